import Foundation
import GameMetricsKit
import GameMetricsTesting
import Kafka
import Redis
import Testing

@testable import AnalyticsAPI

/// analytics-api's part in GDPR erasure (its cached answers about the player) and its count of
/// refused events per tenant and reason.
@Suite("analytics-api erases and counts", .timeLimit(.minutes(10)))
struct ErasureAndPipelineTests {
    @Test("an erasure request deletes the player's cached answers, retires the tenant's others, and is completed as analytics-api")
    func erasureDropsCachedAnswers() async throws {
        let today = TimeWindow.floor(Date(), .day)
        let a = EventFixture(tenant: AnalyticsFixture.tenantA, players: 4, scale: 1, today: today)
        try await AnalyticsFixture.run { fixture in
            try await fixture.produce(a.events)
            try await fixture.withServices { api in
                try await fixture.waitForStoredEvents(a.events.count)
                let token = try await fixture.user.adminToken()
                let answer = try await api.graphQL("{ player(playerId: \"p2\") { events } }", token: token)
                #expect((answer.data["player"] as? [String: Any])?["events"] != nil, "\(answer.text)")
                let redis = RedisClient(configuration: try RedisConfiguration(url: fixture.redisURL))
                defer { Task { await redis.shutdown() } }
                let index = AnswerCache.playerIndexKey(tenant: AnalyticsFixture.tenantA, player: "p2")
                let cached = (try await redis.execute(["SMEMBERS", index]).array ?? []).compactMap(\.string)
                try #require(cached.count == 1, "the player's answer is cached under its index, or the test proves nothing")
                let generation = try await redis.get(AnswerCache.generationKey(tenant: AnalyticsFixture.tenantA))

                let request = ErasureRequested(requestID: UUID(), tenantID: AnalyticsFixture.tenantA, playerID: "p2", requestedAt: Date(), requestedBy: "test")
                try await fixture.produce([
                    KafkaProducerMessage(topic: fixture.topics.erasure, key: ErasureMessage.requested(request).key, value: try ErasureMessage.requested(request).encoded())
                ])
                let completions = try await KafkaTopicReader.read(fixture.topics.erasure, count: 3, idle: .seconds(20)).compactMap { record -> ErasureCompleted? in
                    guard case .completed(let completion)? = try? ErasureMessage.decode(record.value) else { return nil }
                    return completion
                }
                #expect(completions.contains { $0.service == "analytics-api" && $0.requestID == request.requestID }, "\(completions)")
                #expect(try await redis.execute(["EXISTS", cached[0], index]).integer == 0)
                #expect(try await redis.get(AnswerCache.generationKey(tenant: AnalyticsFixture.tenantA)) != generation)
            }
        }
    }

    @Test("refused events are counted per tenant and reason; a tenant sees only its own counts")
    func invalidEventsPerTenant() async throws {
        try await AnalyticsFixture.run { fixture in
            let now = Date()
            func record(_ tenant: String, _ reasons: [String]) -> KafkaProducerMessage {
                let invalid = InvalidEventRecord(
                    tenantID: tenant, source: "ingestion", receivedAt: now, index: 0, errors: reasons.map { FieldError(field: "type", reason: $0) },
                    payload: .json(Array("{}".utf8)))
                return KafkaProducerMessage(topic: fixture.topics.invalid, key: Array(tenant.utf8), value: invalid.jsonBytes())
            }
            try await fixture.produce([
                record(AnalyticsFixture.tenantA, ["required", "invalid_type"]), record(AnalyticsFixture.tenantA, ["required"]),
                record(AnalyticsFixture.tenantB, ["too_old"]),
                KafkaProducerMessage(topic: fixture.topics.invalid, key: nil, value: Array("not the platform's record".utf8)),
            ])
            try await fixture.withServices { api in
                let token = try await fixture.user.adminToken(), tokenB = try await fixture.user.adminToken(suffix: "_B")
                let query = "query($f: String!, $t: String!) { pipelineHealth(from: $f, to: $t) { invalidEventsTotal invalidEvents { source reason events } } }"
                let variables = ["f": RFC3339.format(now.addingTimeInterval(-3_600)), "t": RFC3339.format(now.addingTimeInterval(3_600))]
                func counts(_ answer: AnalyticsClient.Answer) -> [String: Double] {
                    let rows = ((answer.data["pipelineHealth"] as? [String: Any])?["invalidEvents"] as? [[String: Any]]) ?? []
                    return Dictionary(uniqueKeysWithValues: rows.map { ("\($0["source"] ?? "")/\($0["reason"] ?? "")", $0["events"] as? Double ?? -1) })
                }
                try await eventually(.seconds(60)) {
                    counts(try await api.graphQL(query, variables: variables, token: token)) == ["ingestion/required": 2, "ingestion/invalid_type": 1]
                }
                #expect(counts(try await api.graphQL(query, variables: variables, token: tokenB)) == ["ingestion/too_old": 1])
            }
        }
    }
}
