import Crypto
import Foundation
import GameMetricsKit
import GameMetricsTesting
import Kafka
import Testing

@testable import Processor

/// A poison record close to Kafka's message limit on the raw topic: the invalid-topic record
/// that embeds it would be larger than the limit, so it must carry a bounded prefix with the
/// hash and length of the whole, and the partition must move on.
@Suite("oversized poison records")
struct OversizedPoisonRecordTests {
    @Test("a 990 kB poison record goes to the invalid topic truncated, with its hash and length, and the events behind it are stored")
    func oversizedPoisonDoesNotStallThePartition() async throws {
        let corpus = EventCorpus(uniqueEvents: 20, duplicateShare: 0, players: 1, seed: 11)
        // Not JSON, so it would travel base64-encoded: a third larger than itself.
        let poison = [UInt8](repeating: UInt8(ascii: "z"), count: 990_000)
        try await ProcessorFixture.run { fixture in
            let key = corpus.unique[0].partitionKeyBytes()
            let good = EventCorpus.records(corpus.unique, topic: fixture.rawTopic).map { record in
                KafkaProducerMessage(topic: record.topic, key: record.key, value: record.value, headers: record.headers, partition: 0)
            }
            try await fixture.produce([KafkaProducerMessage(topic: fixture.rawTopic, key: key, value: poison, partition: 0)] + good)
            try await fixture.withProcessor { _ in
                try await fixture.waitForStoredEvents(corpus.unique.count)
            }
            let invalid = try await KafkaTopicReader.read(fixture.invalidTopic, count: 1, idle: .seconds(10))
            try #require(invalid.count == 1)
            #expect(invalid[0].value.count < 200_000, "record of \(invalid[0].value.count) bytes")
            let record = try #require(try JSONSerialization.jsonObject(with: Data(invalid[0].value)) as? [String: Any])
            #expect(record["source"] as? String == "processor")
            #expect((record["errors"] as? [[String: String]])?.first?["reason"] == "invalid_json")
            #expect(record["payload_sha256"] as? String == SHA256.hash(data: poison).map { String(format: "%02x", $0) }.joined())
            #expect(record["payload_bytes"] as? Int == poison.count)
            #expect(record["payload_truncated"] as? Bool == true)
            let prefix = try #require((record["payload_prefix_base64"] as? String).flatMap { Data(base64Encoded: $0) })
            #expect(!prefix.isEmpty && Array(prefix) == Array(poison.prefix(prefix.count)))
        }
    }
}
