import CurlHTTP
import Foundation
import GameMetricsKit
import GameMetricsTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Kafka
import Logging
import Redis
import Testing

@testable import Ingestion

/// Ingestion against a real user service, devkafka and redis-server. Serialized: one test takes
/// a devkafka broker down.
@Suite("ingestion with its real peers", .serialized)
struct IngestionLiveTests {
    @Test("an accepted event is on the raw topic with its key and headers; a rejected one is on the invalid topic with its reason")
    func acceptedAndRejectedEventsReachKafka() async throws {
        try await LiveIngestionFixture.run { fixture, client in
            let id = UUID()
            let trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            let answer = try await client.postEvents(
                TestEvents.batch([TestEvents.json(id: id, player: "p-42"), TestEvents.json(type: "level_up", extra: "")]),
                key: fixture.writeKeyA, headers: [.init("traceparent")!: trace])
            #expect(answer.status == .accepted)
            #expect(answer.json["accepted"] as? Int == 1)

            let raw = try await KafkaTopicReader.read(fixture.rawTopic, count: 1)
            try #require(raw.count == 1)
            #expect(raw[0].keyString == "\(fixture.tenantA):p-42")
            let event = try PlayerEvent(jsonBytes: raw[0].value)
            #expect(event.eventID == id && event.tenantID == fixture.tenantA)
            let propagated = try #require(raw[0].headers.string(for: "traceparent"))
            #expect(propagated.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-"), "same trace, this service's span")

            let invalid = try await KafkaTopicReader.read(fixture.invalidTopic, count: 1)
            try #require(invalid.count == 1)
            let record = try #require(try JSONSerialization.jsonObject(with: Data(invalid[0].value)) as? [String: Any])
            #expect(record["index"] as? Int == 1)
            #expect((record["errors"] as? [[String: String]])?.first == ["field": "game_id", "reason": "required"])
        }
    }

    @Test("every status code of the contract comes from a real request: 202 400 401 403 413 415 429")
    func everyStatusCode() async throws {
        try await LiveIngestionFixture.run(limitA: 1) { fixture, client in
            let event = TestEvents.json()
            #expect(try await client.postEvents(event, key: fixture.writeKeyB).status == .accepted)
            #expect(try await client.postEvents("{\"events\":", key: fixture.writeKeyB).status == .badRequest)
            #expect(try await client.postEvents(event, key: "gmk_revoked_or_never_issued").status == .unauthorized)
            #expect(try await client.postEvents(event, key: fixture.writeKeyB, contentType: "text/csv").status == .unsupportedMediaType)
            let huge = String(repeating: " ", count: (1 << 20) + 1)
            #expect(try await client.postEvents(huge, key: fixture.writeKeyB).status == .contentTooLarge)
            let token = try await fixture.operatorToken()
            let bearer = try await client.postEvents(event, key: nil, headers: [.authorization: "Bearer \(token)"])
            #expect(bearer.status == .accepted, "\(bearer.json)")
            #expect(try await client.postEvents(event, key: nil, headers: [.authorization: "Bearer \(token)x"]).status == .unauthorized)
            // The 429 checked is the one received: a later request may already find a refilled bucket.
            var throttled: (status: HTTPResponse.Status, headers: HTTPFields, json: [String: Any])?
            for _ in 0..<6 where throttled == nil {
                let answer = try await client.postEvents(event, key: fixture.writeKeyA)
                if answer.status == .tooManyRequests { throttled = answer }
            }
            let refused = try #require(throttled, "tenant-a allows 1 request per second and the bearer call used it")
            #expect(refused.headers[.retryAfter] != nil)
            #expect(refused.json.errorCode == "rate_limited")
        }
    }

    @Test("503 with Retry-After when Kafka cannot take the write in time")
    func unreachableKafkaIs503() async throws {
        try await LiveIngestionFixture.run(environment: ["GM_KAFKA_BOOTSTRAP": "127.0.0.1:1", "GM_KAFKA_MESSAGE_TIMEOUT_MS": "1500"]) { fixture, client in
            let answer = try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA)
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.headers[.retryAfter] == "1")
            #expect(answer.json.errorCode == "kafka_unavailable")
        }
    }

    @Test("a revoked write key is refused once the cache entry expires")
    func revokedKeyIsRefused() async throws {
        try await LiveIngestionFixture.run(environment: ["GM_INGESTION_CREDENTIAL_CACHE_SECONDS": "1"]) { fixture, client in
            #expect(try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA).status == .accepted)
            try await fixture.revokeWriteKeys(of: fixture.tenantA)
            try await Task.sleep(for: .milliseconds(1200))
            #expect(try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA).status == .unauthorized)
        }
    }

    @Test("with a broker taken down during 100k events, every event acknowledged with 202 is in Kafka exactly once")
    func brokerOutageLosesNothingAcknowledged() async throws {
        // Its own devkafka: the outage must not move the coordinators of other tests' groups.
        try await PrivateDevKafka.with { devKafka in
            try await LiveIngestionFixture.run(devKafka: devKafka) { fixture, client in
                let http = HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: 8))
                let url = "http://127.0.0.1:\(client.port!)/v1/events"
                let control = devKafka.control
                let batches = (0..<1000).map { _ in (0..<100).map { _ in UUID() } }
                let outcome = LoadOutcome()
                let loadStart = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var next = 0
                    for _ in 0..<8 {
                        let mine = next
                        next += 1
                        group.addTask { try await Self.send(batches[mine], to: url, key: fixture.writeKeyA, with: http, outcome: outcome) }
                    }
                    while try await group.next() != nil {
                        let sent = await outcome.acknowledgedBatches
                        if sent >= 300, await outcome.markBrokerDown() { try await control.setBrokerDown(3) }
                        if sent >= 700, await outcome.markBrokerUp() { try await control.setBrokerUp(3) }
                        if next < batches.count {
                            let mine = next
                            next += 1
                            group.addTask { try await Self.send(batches[mine], to: url, key: fixture.writeKeyA, with: http, outcome: outcome) }
                        }
                    }
                }
                if await outcome.markBrokerUp() { try await control.setBrokerUp(3) }
                let loadTime = ContinuousClock.now - loadStart
                let acknowledged = await outcome.acknowledged
                #expect(acknowledged.count == 100_000, "every batch was eventually acknowledged (retrying 503s)")
                let records = try await KafkaTopicReader.read(fixture.rawTopic, count: acknowledged.count + 1, idle: .seconds(8), bootstrap: devKafka.bootstrap)
                let ids = records.compactMap { try? PlayerEvent(jsonBytes: $0.value).eventID }
                #expect(ids.count == records.count)
                #expect(Set(ids).count == ids.count, "no event is in Kafka twice")
                #expect(Set(ids) == acknowledged, "exactly the acknowledged events are in Kafka")
                let retried = await outcome.unavailableAnswers
                print("broker outage: \(records.count) records for \(acknowledged.count) acknowledged events in \(loadTime), \(retried) answers were 503 and retried")
            }
        }
    }

    // MARK: Load helpers

    private static func send(_ ids: [UUID], to url: String, key: String, with http: HTTPClient, outcome: LoadOutcome) async throws {
        let body = Array(TestEvents.batch(ids.map { TestEvents.json(id: $0, player: "player-\($0.uuidString.prefix(4))") }).utf8)
        for _ in 0..<60 {
            let (response, answer) = try await http.execute(
                HTTPRequest(method: .post, url: URL(string: url)!, headerFields: [.contentType: "application/json", IngestionAuthenticator.apiKeyHeader: key]),
                body: body, timeout: .seconds(30))
            switch response.status.code {
            case 202:
                await outcome.acknowledge(ids)
                return
            case 503, 429:
                await outcome.countUnavailable()
                try await Task.sleep(for: .milliseconds(200))
            default:
                Issue.record("unexpected \(response.status): \(String(decoding: answer, as: UTF8.self))")
                return
            }
        }
        Issue.record("a batch was never acknowledged")
    }

    actor LoadOutcome {
        private(set) var acknowledged = Set<UUID>()
        private(set) var acknowledgedBatches = 0
        private(set) var unavailableAnswers = 0
        private var brokerWentDown = false
        private var brokerCameBack = false

        func acknowledge(_ ids: [UUID]) {
            acknowledged.formUnion(ids)
            acknowledgedBatches += 1
        }

        func countUnavailable() { unavailableAnswers += 1 }

        func markBrokerDown() -> Bool {
            defer { brokerWentDown = true }
            return !brokerWentDown
        }

        func markBrokerUp() -> Bool {
            guard brokerWentDown, !brokerCameBack else { return false }
            brokerCameBack = true
            return true
        }
    }
}
