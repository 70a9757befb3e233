import Foundation
import GameMetricsAuth
import GameMetricsKit
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Ingestion

/// Unknown write keys as a denial-of-service lever (issue 11, defect 3), against the real user
/// service: lookups are counted by the proxy in front of it, never by timing.
extension IngestionLiveTests {
    /// A key of the current shape (`gmk_` + 64 base64url characters) whose MAC was not made with
    /// the platform's secret: what anyone can generate in bulk.
    static func forgedKey() -> String {
        "gmk_" + Base64URL.encode((0..<48).map { _ in UInt8.random(in: .min ... .max) })
    }

    /// A key of the legacy shape (`gmk_` + 43 base64url characters, no MAC) that was never issued.
    static func unknownLegacyKey() -> String {
        "gmk_" + Base64URL.encode((0..<32).map { _ in UInt8.random(in: .min ... .max) })
    }

    @Test("forged write keys are refused with 401 JSON without a single lookup at the user service")
    func forgedKeysCostNoLookup() async throws {
        try await LiveIngestionFixture.run { fixture, client in
            #expect(try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA).status == .accepted)
            let before = fixture.lookups
            for _ in 0..<300 {
                let answer = try await client.postEvents(TestEvents.json(), key: Self.forgedKey())
                #expect(answer.status == .unauthorized)
                #expect(answer.json.errorCode == "invalid_credential")
            }
            #expect(fixture.lookups == before, "forged keys reached the user service \(fixture.lookups - before) times")
            #expect(try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA).status == .accepted)
        }
    }

    @Test("failed lookups are limited to 20 per second per peer: 429 JSON with Retry-After beyond, good tenants unaffected")
    func failedLookupsAreLimitedPerPeer() async throws {
        try await LiveIngestionFixture.run(environment: ["GM_INGESTION_ACCEPT_LEGACY_WRITE_KEYS": "true"]) { fixture, client in
            #expect(try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA).status == .accepted)
            let before = fixture.lookups
            let start = ContinuousClock.now
            var refused = 0
            var throttled: [(headers: HTTPFields, errorCode: String?)] = []
            // Rounds of 40 unknown keys at once until the peer is throttled: on a loaded machine
            // one at a time may come slower than the budget refills.
            while throttled.isEmpty && ContinuousClock.now - start < .seconds(60) {
                let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, HTTPFields, String?, String).self) { group in
                    for _ in 0..<40 {
                        group.addTask {
                            let answer = try await client.postEvents(TestEvents.json(), key: Self.unknownLegacyKey())
                            return (answer.status, answer.headers, answer.json.errorCode, "\(answer.json)")
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for (status, headers, errorCode, body) in answers {
                    switch status {
                    case .unauthorized: refused += 1
                    case .tooManyRequests: throttled.append((headers, errorCode))
                    default: Issue.record("unexpected \(status) \(body)")
                    }
                }
            }
            let elapsed = ContinuousClock.now - start
            let lookups = fixture.lookups - before
            // A bucket of 20 refilled at 20/s: never more lookups than that allows in the time taken.
            let allowed = 20 + Int((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) * 20) + 1
            #expect(lookups <= allowed, "\(lookups) lookups in \(elapsed), at most \(allowed) allowed")
            #expect(lookups >= 20, "the first 20 unknown keys are looked up")
            #expect(refused == lookups, "each looked-up unknown key is a 401")
            let first = try #require(throttled.first, "unknown keys from one peer, 40 at once, must hit the limit")
            #expect(first.errorCode == "too_many_failed_lookups")
            #expect(Int(first.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // The good tenant's key is cached, so the peer's exhausted budget does not touch it.
            #expect(try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA).status == .accepted)
        }
    }

    @Test("an unknown key is looked up once per negative-cache period, however often it is sent")
    func unknownKeyIsLookedUpOnce() async throws {
        try await LiveIngestionFixture.run(environment: ["GM_INGESTION_ACCEPT_LEGACY_WRITE_KEYS": "true"]) { fixture, client in
            let key = Self.unknownLegacyKey()
            let before = fixture.lookups
            for _ in 0..<10 {
                let status = try await client.postEvents(TestEvents.json(), key: key).status
                #expect(status == .unauthorized)
            }
            #expect(fixture.lookups - before == 1)
        }
    }

    @Test("legacy keys are looked up only while the migration allowance is on; off, they are refused without a lookup")
    func legacyKeysNeedTheAllowance() async throws {
        try await LiveIngestionFixture.run(environment: ["GM_INGESTION_ACCEPT_LEGACY_WRITE_KEYS": "true"]) { fixture, client in
            let answer = try await client.postEvents(TestEvents.json(), key: fixture.legacyWriteKeyB)
            #expect(answer.status == .accepted, "\(answer.json)")
        }
        try await LiveIngestionFixture.run { fixture, client in
            let before = fixture.lookups
            let refused = try await client.postEvents(TestEvents.json(), key: fixture.legacyWriteKeyB)
            #expect(refused.status == .unauthorized && refused.json.errorCode == "invalid_credential")
            #expect(fixture.lookups == before)
            #expect(try await client.postEvents(TestEvents.json(), key: fixture.writeKeyB).status == .accepted)
        }
    }
}
