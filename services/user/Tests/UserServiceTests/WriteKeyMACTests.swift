import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import UserService

@Suite("user service: write keys carry a MAC, legacy keys are reissued with a grace period")
struct WriteKeyMACTests {
    private static let mac = try! WriteKeyMAC(current: Array(PlatformContract.writeKeyMACSecret.utf8))

    @Test("issued keys verify under the shared secret; a forged key of the same shape does not resolve")
    func issuedKeysCarryAMAC() async throws {
        try await UserServiceFixture.run { fixture, client in
            let admin = try await client.accessToken(fixture.tenantA)
            let platform = try await client.accessToken(fixture.platform)
            let (_, body) = try await client.call(.post, "/v1/write-keys", token: admin, json: #"{"name":"web"}"#)
            let key = try #require(body["key"] as? String)
            #expect(key.count == 68 && key.hasPrefix("gmk_"))
            #expect(Self.mac.verify(key) == .authentic)
            #expect(try WriteKeyMAC(current: Array(String(repeating: "x", count: 32).utf8)).verify(key) == .forged, "another secret does not verify it")
            #expect(try await client.call(.post, "/v1/write-keys/resolve", token: platform, json: #"{"key":"\#(key)"}"#).status == .ok)
            let forged = "gmk_" + Base64URL.encode((0..<48).map { _ in UInt8.random(in: .min ... .max) })
            #expect(Self.mac.verify(forged) == .forged)
            #expect(try await client.call(.post, "/v1/write-keys/resolve", token: platform, json: #"{"key":"\#(forged)"}"#).status == .notFound)
        }
    }

    @Test("a key issued under the previous secret keeps verifying during a rotation, and stops once it is dropped")
    func rotation() throws {
        let old = Array(String(repeating: "o", count: 40).utf8), new = Array(String(repeating: "n", count: 40).utf8)
        let key = try WriteKeyMAC(current: old).issue()
        #expect(try WriteKeyMAC(current: new, previous: old).verify(key) == .authentic)
        #expect(try WriteKeyMAC(current: new).verify(key) == .forged)
        #expect(throws: WriteKeyMAC.SecretTooShort.self) { try WriteKeyMAC(current: Array("short".utf8)) }
        #expect(throws: ConfigurationError.self) { try WriteKeyMAC(environment: EnvironmentReader([:])) }
    }

    @Test("reissuing a legacy key gives a MAC'd successor; the old key works through its grace period only")
    func reissueMigratesLegacyKeys() async throws {
        try await UserServiceFixture.run { fixture, client in
            let admin = try await client.accessToken(fixture.tenantA)
            let platform = try await client.accessToken(fixture.platform)
            let legacy = try await fixture.insertLegacyWriteKey(tenant: "tenant-a")
            #expect(Self.mac.verify(legacy) == .legacy)
            func resolves(_ key: String) async throws -> Bool {
                try await client.call(.post, "/v1/write-keys/resolve", token: platform, json: #"{"key":"\#(key)"}"#).status == .ok
            }
            #expect(try await resolves(legacy), "legacy keys still resolve at the user service")
            let (_, list) = try await client.call(.get, "/v1/write-keys", token: admin)
            let legacyID = try #require((list["write_keys"] as? [[String: Any]])?.first?["id"] as? String)

            let (tooLong, _) = try await client.call(.post, "/v1/write-keys/\(legacyID)/reissue", token: admin, json: #"{"grace_seconds":-1}"#)
            #expect(tooLong == .badRequest)
            let otherTenant = try await client.accessToken(fixture.tenantB)
            #expect(try await client.call(.post, "/v1/write-keys/\(legacyID)/reissue", token: otherTenant, json: "{}").status == .notFound)

            let (graced, withGrace) = try await client.call(.post, "/v1/write-keys/\(legacyID)/reissue", token: admin, json: #"{"grace_seconds":3600}"#)
            #expect(graced == .created)
            let successor = try #require(withGrace["key"] as? String)
            #expect(Self.mac.verify(successor) == .authentic)
            #expect((withGrace["write_key"] as? [String: Any])?["name"] as? String == "legacy")
            #expect(withGrace["replaces"] as? String == legacyID)
            #expect(try await resolves(successor))
            #expect(try await resolves(legacy), "the old key works during its grace period")

            // Reissued again without a grace period: the old key stops at once.
            let (immediate, _) = try await client.call(.post, "/v1/write-keys/\(legacyID)/reissue", token: admin)
            #expect(immediate == .created)
            #expect(try await resolves(legacy) == false)
            #expect(try await resolves(successor), "the first successor is untouched")
            #expect(try await client.call(.post, "/v1/write-keys/\(legacyID)/reissue", token: admin).status == .notFound, "a revoked key cannot be reissued")
        }
    }
}
