import CurlHTTP
import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Ingestion

/// The write-key MAC secret rotated the way it is in a cluster (runbooks/secret-rotation.md):
/// Vault's `current` becomes `previous` and a new `current` is written, External Secrets updates
/// the Secret and the kubelet swaps the mounted files (`..data`). Both services read the secret
/// from those files, and neither is restarted.
@Suite("A write-key MAC secret rotated in its mounted files reaches the running services")
struct WriteKeyMACRotationTests {
    static let current = "gm_write_key_mac_secret"
    static let previous = "gm_write_key_mac_previous_secret"
    static let oldSecret = PlatformContract.writeKeyMACSecret
    static let newSecret = "rotated-write-key-mac-secret-" + UUID().uuidString

    @Test("old keys verify until the previous secret is dropped, keys issued after the rotation verify at once, a bad file changes nothing")
    func rotationWithoutRestart() async throws {
        let volume = try KubeletSecretVolume([Self.current: Self.oldSecret, Self.previous: ""])
        defer { volume.remove() }
        let fromFiles = [
            "GM_WRITE_KEY_MAC_SECRET": "", "GM_WRITE_KEY_MAC_SECRET_FILE": volume.path(Self.current),
            "GM_WRITE_KEY_MAC_PREVIOUS_SECRET_FILE": volume.path(Self.previous), "GM_SECRET_RELOAD_SECONDS": "1",
        ]
        let internalPort = try PlatformContract.freeLoopbackPort()
        let ingestionEnvironment = fromFiles.merging(["GM_INTERNAL_HTTP_PORT": String(internalPort)]) { $1 }
        try await LiveIngestionFixture.run(environment: ingestionEnvironment, userEnvironment: fromFiles) { fixture, client in
            let old = try WriteKeyMAC(current: Array(Self.oldSecret.utf8))
            let new = try WriteKeyMAC(current: Array(Self.newSecret.utf8))
            #expect(old.verify(fixture.writeKeyA) == .authentic, "the seeded key is MAC'd with the old secret")
            #expect(try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA).status == .accepted)

            // Rotation: the old secret becomes the previous one, a new one is current.
            try volume.update([Self.current: Self.newSecret, Self.previous: Self.oldSecret])
            let admin = try await fixture.user.adminToken()
            var issued = ""
            try await eventually(.seconds(20), every: .milliseconds(500)) {
                issued = try await Self.createWriteKey(fixture, token: admin)
                return new.verify(issued) == .authentic
            }
            #expect(old.verify(issued) == .forged, "a key issued after the rotation is MAC'd with the new secret")
            try await eventually(.seconds(20), every: .milliseconds(500)) {
                try await client.postEvents(TestEvents.json(), key: issued).status == .accepted
            }
            #expect(
                try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA).status == .accepted,
                "keys made with the previous secret still verify during the rotation")

            // The old secret is dropped once keys are reissued: keys MAC'd with it are forged now.
            try volume.update([Self.current: Self.newSecret, Self.previous: ""])
            try await eventually(.seconds(20), every: .milliseconds(500)) {
                try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA).status == .unauthorized
            }
            #expect(try await client.postEvents(TestEvents.json(), key: issued).status == .accepted)

            // A malformed file (too short) keeps the value in use, and says so as a metric.
            try volume.update([Self.current: "too-short", Self.previous: ""])
            try await eventually(.seconds(20), every: .milliseconds(500)) {
                try await Self.metricsText(port: internalPort).contains(#"gm_secret_reload_rejected{secret="write-key-mac"} 1"#)
            }
            #expect(try await client.postEvents(TestEvents.json(), key: issued).status == .accepted)
            #expect(
                new.verify(try await Self.createWriteKey(fixture, token: admin)) == .authentic,
                "the user service keeps issuing under the last good secret")
        }
    }

    /// A new write key of tenant-a, created by its admin through the user service's API.
    static func createWriteKey(_ fixture: LiveIngestionFixture, token: String) async throws -> String {
        let created = try await fixture.user.call("POST", "/v1/write-keys", token: token, json: #"{"name":"rotation"}"#)
        try #require(created.status == 201, "creating a write key: \(created.status) \(created.text)")
        return try #require(created.json?["key"] as? String)
    }

    static func metricsText(port: Int) async throws -> String {
        let (_, body) = try await testHTTPClient.execute(
            HTTPRequest(method: .get, url: URL(string: "http://127.0.0.1:\(port)/metrics")!), timeout: .seconds(10))
        return String(decoding: body, as: UTF8.self)
    }
}
