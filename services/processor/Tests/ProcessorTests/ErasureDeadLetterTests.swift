import Foundation
import GameMetricsKit
import GameMetricsTesting
import Kafka
import Testing

@testable import Processor

@Suite("processor erasure: records it cannot use are dead-lettered with their reason, never retried forever")
struct ErasureDeadLetterTests {
    @Test("malformed erasure records go to <topic>.dlq and the request behind them is still erased")
    func malformedErasureRecordsAreDeadLettered() async throws {
        try await ProcessorFixture.run { fixture in
            let deadLetterTopic = fixture.erasureTopic + ".dlq"
            try await DevKafkaControl(baseURL: try TestServers.devKafkaURL).createTopic(deadLetterTopic, partitions: 3)
            let key = PlayerKey.bytes(tenantID: "tenant-a", playerID: "someone")
            let nulPlayer = #"{"type":"erasure.requested","version":1,"request_id":"\#(UUID().uuidString)","tenant_id":"tenant-a","player_id":"p\u0000x","requested_at":"2026-01-01T00:00:00Z","requested_by":"x"}"#
            let poison: [(value: [UInt8], reason: String)] = [
                (Array("{not json".utf8), "JSON"),
                (Array(#"{"type":"erasure.requested","version":1,"player_id":"someone"}"#.utf8), "request_id"),
                (Array(nulPlayer.utf8), "player_id"),
            ]
            let request = ErasureRequested(
                requestID: UUID(), tenantID: "tenant-a", playerID: "someone", requestedAt: Date(), requestedBy: "test")
            try await fixture.produce(
                poison.map { KafkaProducerMessage(topic: fixture.erasureTopic, key: key, value: $0.value, partition: 0) }
                    + [KafkaProducerMessage(topic: fixture.erasureTopic, key: key, value: try ErasureMessage.requested(request).encoded(), partition: 0)])
            try await fixture.withProcessor { _ in
                // Everything on the topic, the processor's completion included.
                let messages = try await KafkaTopicReader.read(fixture.erasureTopic, count: poison.count + 2, idle: .seconds(60))
                let completions = messages.compactMap { try? ErasureMessage.decode($0.value) }.filter {
                    if case .completed(let completion) = $0 { return completion.requestID == request.requestID }
                    return false
                }
                #expect(completions.count == 1, "the valid request behind the poison was erased")
            }
            let dead = try await KafkaTopicReader.read(deadLetterTopic, count: poison.count * 2 + 1, idle: .seconds(5)).distinctDeadLetters
            #expect(dead.count == poison.count)
            for (index, record) in dead.enumerated() where index < poison.count {
                #expect(record.value == poison[index].value)
                #expect(record.headers.string(for: "gm-dlq-topic") == fixture.erasureTopic)
                #expect(record.headers.string(for: "gm-dlq-group") == fixture.erasureGroup)
                let reason = record.headers.string(for: "gm-dlq-reason") ?? ""
                #expect(reason.contains(poison[index].reason), "record \(index): \(reason)")
            }
        }
    }
}
