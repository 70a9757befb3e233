import Foundation
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Kafka
import Testing

@testable import UserService

@Suite("privacy: erasure needs the admin role, and records the coordinator cannot use are dead-lettered with their reason")
struct ErasureDeadLetterTests {
    static let adminA = TestTokens.token(tenant: "tenant-a", subject: "admin-a", roles: ["admin"])
    static let operatorA = TestTokens.token(tenant: "tenant-a", subject: "op-a", roles: ["operator"])

    @Test("an operator cannot request an erasure (403, nothing recorded); an admin can (202)")
    func erasureNeedsAdmin() async throws {
        try await PrivacyFixture.run { fixture in
            try await fixture.withCoordinator { running in
                try await Application(router: running.router).test(.router) { client in
                    let (refused, json) = try await client.privacyCall(
                        .post, "/v1/privacy/erasure", token: Self.operatorA, body: #"{"player_id":"p-1"}"#)
                    #expect(refused == .forbidden)
                    #expect((json["error"] as? [String: Any])?["code"] as? String == "forbidden")
                    #expect(try await fixture.repository.requests(forPlayer: "p-1", tenant: "tenant-a").isEmpty)

                    let (accepted, body) = try await client.privacyCall(
                        .post, "/v1/privacy/erasure", token: Self.adminA, body: #"{"player_id":"p-1"}"#)
                    #expect(accepted == .accepted)
                    #expect(body["request_id"] is String)
                    // Reading a request's status stays an operator's right.
                    let requestID = try #require(body["request_id"] as? String)
                    let (status, _) = try await client.privacyCall(.get, "/v1/privacy/erasure/\(requestID)", token: Self.operatorA)
                    #expect(status == .ok)
                }
            }
        }
    }

    @Test("malformed records go to <topic>.dlq with their reason and position, and the records behind them are handled")
    func malformedRecordsAreDeadLettered() async throws {
        try await PrivacyFixture.run { fixture in
            try await fixture.createPlayer("after-poison", tenant: "tenant-a")
            try await fixture.withCoordinator { running in
                let deadLetterTopic = running.topic + ".dlq"
                let key = PlayerKey.bytes(tenantID: "tenant-a", playerID: "after-poison")
                let badService = ErasureMessage.completed(
                    ErasureCompleted(
                        requestID: UUID(), tenantID: "tenant-a", playerID: "after-poison", service: "Not A Service!",
                        status: .completed, completedAt: Date()))
                let nulPlayer = #"{"type":"erasure.requested","version":1,"request_id":"\#(UUID().uuidString)","tenant_id":"tenant-a","player_id":"p\u0000x","requested_at":"2026-01-01T00:00:00Z","requested_by":"x"}"#
                let poison: [(value: [UInt8], reason: String)] = [
                    (Array("not json".utf8), "JSON"),
                    (Array("[1,2]".utf8), "object"),
                    (Array(#"{"type":"erasure.requested","version":1,"tenant_id":"tenant-a"}"#.utf8), "request_id"),
                    (try badService.encoded(), "service"),
                    (Array(nulPlayer.utf8), "player_id"),
                ]
                let good = ErasureMessage.requested(
                    ErasureRequested(
                        requestID: UUID(), tenantID: "tenant-a", playerID: "after-poison", requestedAt: Date(), requestedBy: "test"))
                var offsets: [Int64] = []
                for record in poison {
                    let ack = try await running.producer.send(
                        KafkaProducerMessage(
                            topic: running.topic, key: key, value: record.value, headers: [KafkaHeader(key: "origin", string: "test")],
                            partition: 0))
                    offsets.append(ack.offset)
                }
                _ = try await running.producer.send(
                    KafkaProducerMessage(
                        topic: running.topic, key: key, value: try good.encoded(), partition: 0))

                // The valid request behind the poison is handled: the profile is erased.
                try await eventually(.seconds(60)) {
                    try await fixture.players.get("after-poison", tenant: "tenant-a") == nil
                }
                let dead = try await KafkaTopicReader.read(deadLetterTopic, count: poison.count * 2 + 1, idle: .seconds(5)).distinctDeadLetters
                #expect(dead.count == poison.count)
                for (index, record) in dead.enumerated() where index < poison.count {
                    #expect(record.value == poison[index].value)
                    #expect(record.key == key)
                    #expect(record.headers.string(for: "origin") == "test", "the original headers travel along")
                    #expect(record.headers.string(for: "gm-dlq-topic") == running.topic)
                    #expect(record.headers.string(for: "gm-dlq-partition") == "0")
                    #expect(record.headers.string(for: "gm-dlq-offset") == String(offsets[index]))
                    #expect(record.headers.string(for: "gm-dlq-group")?.hasPrefix("user-erasure") == true)
                    let reason = record.headers.string(for: "gm-dlq-reason") ?? ""
                    #expect(reason.contains(poison[index].reason), "record \(index): \(reason)")
                }
            }
        }
    }
}
