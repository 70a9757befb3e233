import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird
import HummingbirdTesting
import Kafka
import Testing

@testable import Ingestion

@Suite("POST /v1/events with in-memory collaborators")
struct EventIngestionTests {
    @Test("a single event is accepted, keyed tenant:player, with the tenant from the key and not from the body")
    func singleEventIsAccepted() async throws {
        let fixture = try IngestionRouterFixture()
        let id = UUID()
        try await fixture.run { client in
            let body = TestEvents.json(id: id, extra: #","game_id":"g1","amount":{"minor":5,"currency":"EUR"},"tenant_id":"tenant-b""#)
            let answer = try await client.postEvents(body, headers: [.init("traceparent")!: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"])
            #expect(answer.status == .accepted)
            #expect(answer.json["accepted"] as? Int == 1)
            #expect((answer.json["rejected"] as? [Any])?.isEmpty == true)
        }
        let records = fixture.publisher.records(on: "player.events.raw")
        try #require(records.count == 1)
        #expect(records[0].key == Array("tenant-a:player-1".utf8))
        let event = try PlayerEvent(jsonBytes: records[0].value)
        #expect(event.tenantID == "tenant-a" && event.eventID == id)
        let trace = try #require(records[0].headers.string(for: "traceparent"))
        #expect(trace.hasPrefix("00-0af7651916cd43dd8448eb211c80319c-"), "the request's trace continues on the Kafka record")
        #expect(records[0].headers.string(for: "gm-ingested-at-ms") != nil)
    }

    @Test("a partial batch accepts the valid events and sends each invalid one with its reasons to the invalid topic")
    func partialBatch() async throws {
        let fixture = try IngestionRouterFixture()
        try await fixture.run { client in
            let body = TestEvents.batch([
                TestEvents.json(),
                TestEvents.json(type: "deposit", extra: ""),
                TestEvents.json(occurredAt: Date().addingTimeInterval(-8 * 86_400)),
                "42",
            ])
            let answer = try await client.postEvents(body)
            #expect(answer.status == .accepted)
            #expect(answer.json["accepted"] as? Int == 1)
            let rejected = try #require(answer.json["rejected"] as? [[String: Any]])
            #expect(rejected.map { $0["index"] as? Int } == [1, 2, 3])
            let reasons = rejected.map { ($0["errors"] as? [[String: String]])?.map { "\($0["field"]!):\($0["reason"]!)" } ?? [] }
            #expect(reasons[0] == ["amount:required"])
            #expect(reasons[1] == ["occurred_at:too_old"])
        }
        #expect(fixture.publisher.records(on: "player.events.raw").count == 1)
        let invalid = fixture.publisher.records(on: "player.events.invalid")
        try #require(invalid.count == 3)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(invalid[0].value)) as? [String: Any])
        #expect(record["tenant_id"] as? String == "tenant-a")
        #expect(record["index"] as? Int == 1)
        #expect((record["event"] as? [String: Any])?["type"] as? String == "deposit", "the event travels as the client sent it")
        #expect(invalid[0].key == Array("tenant-a".utf8))
    }

    @Test("a body that is one invalid event gets 400 naming every problem, and the event goes to the invalid topic")
    func singleInvalidEvent() async throws {
        let fixture = try IngestionRouterFixture()
        try await fixture.run { client in
            let answer = try await client.postEvents(TestEvents.json(player: "", type: "deposit", extra: ""))
            #expect(answer.status == .badRequest && answer.json.errorCode == "invalid_event")
            let details = (answer.json["error"] as? [String: Any])?["details"] as? [[String: String]]
            #expect(details?.map { $0["field"] ?? "" } == ["player_id", "amount"])
        }
        #expect(fixture.publisher.records(on: "player.events.raw").isEmpty)
        #expect(fixture.publisher.records(on: "player.events.invalid").count == 1)
    }

    @Test("requests without a usable credential get 401 and publish nothing")
    func credentialsAreRequired() async throws {
        let fixture = try IngestionRouterFixture()
        try await fixture.run { client in
            let body = TestEvents.json()
            #expect(try await client.postEvents(body, key: nil).status == .unauthorized)
            #expect(try await client.postEvents(body, key: "gmk_unknown000000").json.errorCode == "invalid_credential")
            #expect(try await client.postEvents(body, key: "not a key at all").status == .unauthorized)
            let bad = try await client.postEvents(body, key: nil, headers: [.authorization: "Bearer forged"])
            #expect(bad.status == .unauthorized && bad.json.errorCode == "invalid_token")
            let viewer = try await client.postEvents(body, key: nil, headers: [.authorization: "Bearer \(IngestionRouterFixture.viewerToken)"])
            #expect(viewer.status == .forbidden)
            let ok = try await client.postEvents(body, key: nil, headers: [.authorization: "Bearer \(IngestionRouterFixture.operatorToken)"])
            #expect(ok.status == .accepted)
        }
        #expect(fixture.publisher.records.count == 1)
    }

    @Test("a revoked write key stops working once its cache entry is no longer fresh")
    func revocationIsVisibleAfterTheCacheTime() async throws {
        let fixture = try IngestionRouterFixture(environment: ["GM_INGESTION_CREDENTIAL_CACHE_SECONDS": "1"])
        try await fixture.run { client in
            #expect(try await client.postEvents(TestEvents.json()).status == .accepted)
            fixture.directory.revoke(IngestionRouterFixture.keyA)
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await client.postEvents(TestEvents.json()).status == .unauthorized)
        }
    }

    @Test("while the user service is unreachable known keys keep working and unknown ones get 503")
    func directoryOutage() async throws {
        let fixture = try IngestionRouterFixture(environment: ["GM_INGESTION_CREDENTIAL_CACHE_SECONDS": "1"])
        try await fixture.run { client in
            #expect(try await client.postEvents(TestEvents.json()).status == .accepted)
            fixture.directory.setReachable(false)
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await client.postEvents(TestEvents.json()).status == .accepted, "a stale entry serves within 30 s")
            let unknown = try await client.postEvents(TestEvents.json(), key: IngestionRouterFixture.keyB)
            #expect(unknown.status == .serviceUnavailable && unknown.headers[.retryAfter] != nil)
            #expect(unknown.json.errorCode == "credentials_unavailable")
        }
    }

    @Test("bodies that are not JSON get 415, too large ones 413, malformed ones 400")
    func bodyChecks() async throws {
        let fixture = try IngestionRouterFixture()
        try await fixture.run { client in
            #expect(try await client.postEvents(TestEvents.json(), contentType: nil).status == .unsupportedMediaType)
            #expect(try await client.postEvents(TestEvents.json(), contentType: "text/plain").status == .unsupportedMediaType)
            #expect(try await client.postEvents(TestEvents.json(), contentType: "application/json; charset=latin1").status == .unsupportedMediaType)
            #expect(try await client.postEvents(TestEvents.json(), contentType: "application/json; charset=UTF-8").status == .accepted)
            let brotli = try await client.postEvents(TestEvents.json(), headers: [.contentEncoding: "br"])
            #expect(brotli.status == .unsupportedMediaType && brotli.json.errorCode == "unsupported_content_encoding")
            let huge = #"{"events":[],"pad":""# + String(repeating: "x", count: 1 << 20) + #""}"#
            #expect(try await client.postEvents(huge).status == .contentTooLarge)
            #expect(try await client.postEvents("{\"events\":[").json.errorCode == "malformed_json")
            let tooMany = TestEvents.batch(Array(repeating: TestEvents.json(), count: 501))
            #expect(try await client.postEvents(tooMany).json.errorCode == "too_many_events")
        }
        #expect(fixture.publisher.records.count == 1)
    }

    @Test("gzip bodies are accepted, corrupt ones get 400 and bombs 413")
    func gzipBodies() async throws {
        let fixture = try IngestionRouterFixture()
        try await fixture.run { client in
            let batch = TestEvents.batch((0..<50).map { _ in TestEvents.json() })
            let zipped = try await client.postEvents(Gzip.compress(Array(batch.utf8)), headers: [.contentEncoding: "gzip"])
            #expect(zipped.status == .accepted && zipped.json["accepted"] as? Int == 50)
            let corrupt = try await client.postEvents(Array(Gzip.compress(Array(batch.utf8)).dropLast(9)), headers: [.contentEncoding: "gzip"])
            #expect(corrupt.status == .badRequest && corrupt.json.errorCode == "invalid_gzip")
            // 64 MiB of spaces compresses to about 64 KiB: under the limit on the wire, far over it inflated.
            let bomb = Gzip.compress([UInt8](repeating: 0x20, count: 64 << 20), level: 9)
            #expect(bomb.count < 1 << 20)
            #expect(try await client.postEvents(bomb, headers: [.contentEncoding: "gzip"]).status == .contentTooLarge)
        }
        #expect(fixture.publisher.records.count == 50)
    }

    @Test("over the tenant's rate requests get 429 with Retry-After, other tenants are unaffected")
    func rateLimit() async throws {
        // One request per second with a one-second bucket: the first passes, and a later one is
        // throttled unless a whole second passed between each two (a loaded machine may slow
        // one request, not ten in a row).
        let fixture = try IngestionRouterFixture(limitA: 1)
        try await fixture.run { client in
            var answers: [(status: HTTPResponse.Status, retryAfter: String?)] = []
            for _ in 0..<10 where !answers.contains(where: { $0.status == .tooManyRequests }) {
                let answer = try await client.postEvents(TestEvents.json())
                answers.append((answer.status, answer.headers[.retryAfter]))
            }
            #expect(answers[0].status == .accepted)
            let throttled = try #require(answers.first { $0.status == .tooManyRequests })
            #expect(throttled.retryAfter == "1")
            #expect(try await client.postEvents(TestEvents.json(), key: IngestionRouterFixture.keyB).status == .accepted)
        }
    }

    @Test("when Kafka cannot take the write the answer is 503 with Retry-After, and the retry is accepted")
    func kafkaFailureIsA503() async throws {
        let fixture = try IngestionRouterFixture()
        let body = TestEvents.batch((0..<3).map { _ in TestEvents.json() })
        try await fixture.run { client in
            fixture.publisher.setFailure(.deliveryFailed(code: -192, reason: "Local: Message timed out"))
            let failed = try await client.postEvents(body)
            #expect(failed.status == .serviceUnavailable && failed.headers[.retryAfter] == "1")
            #expect(failed.json.errorCode == "kafka_unavailable")
            fixture.publisher.setFailure(nil)
            #expect(try await client.postEvents(body).json["accepted"] as? Int == 3)
        }
        #expect(fixture.publisher.records.count == 3)
    }

    @Test("duplicate event ids, within a request or across requests, are written once and still reported accepted")
    func duplicatesAreDropped() async throws {
        let fixture = try IngestionRouterFixture()
        let id = UUID()
        try await fixture.run { client in
            let first = try await client.postEvents(TestEvents.batch([TestEvents.json(id: id), TestEvents.json(id: id)]))
            #expect(first.json["accepted"] as? Int == 2 && first.json["duplicates"] as? Int == 1)
            let retry = try await client.postEvents(TestEvents.json(id: id))
            #expect(retry.json["accepted"] as? Int == 1 && retry.json["duplicates"] as? Int == 1)
            let otherTenant = try await client.postEvents(TestEvents.json(id: id), key: IngestionRouterFixture.keyB)
            #expect(otherTenant.json["duplicates"] as? Int == 0, "ids are unique per tenant, not globally")
        }
        #expect(fixture.publisher.records.count == 2)
    }
}
