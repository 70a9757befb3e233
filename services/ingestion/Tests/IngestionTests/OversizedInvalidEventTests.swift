import Crypto
import Foundation
import GameMetricsKit
import GameMetricsTesting
import HummingbirdTesting
import Kafka
import Testing

@testable import Ingestion

/// An invalid event as large as the body limit allows must still be answered as the contract
/// says and be recorded on `player.events.invalid`, although the record that embeds it would
/// exceed Kafka's message limit: the embedded payload is cut and carries the hash and length
/// of the whole.
@Suite("invalid events at the body limit, through devkafka", .serialized)
struct OversizedInvalidEventTests {
    @Test("a single invalid event of exactly 1 MiB is answered 400 and recorded truncated, with its hash and length")
    func singleEventAtTheLimit() async throws {
        let body = Self.invalidEvent(totalBytes: EventBatchParser.defaultMaxBodyBytes)
        try #require(body.count == EventBatchParser.defaultMaxBodyBytes)
        try await LiveIngestionFixture.run { fixture, client in
            let answer = try await client.postEvents(body, key: fixture.writeKeyA)
            #expect(answer.status == .badRequest)
            #expect(answer.json.errorCode == "invalid_event")

            let records = try await KafkaTopicReader.read(fixture.invalidTopic, count: 1, firstRecordTimeout: .seconds(30))
            try #require(records.count == 1, "the invalid event must be on the invalid topic, not dropped")
            try Self.expectTruncatedRecord(records[0], of: body, tenant: fixture.tenantA)
        }
    }

    @Test("a batch of one valid and one invalid event filling 1 MiB is answered 202 and both are in Kafka")
    func batchAtTheLimit() async throws {
        let valid = TestEvents.json(player: "p-valid")
        let prefix = #"{"events":["# + valid + ","
        let suffix = "]}"
        let invalid = Self.invalidEvent(totalBytes: EventBatchParser.defaultMaxBodyBytes - prefix.utf8.count - suffix.utf8.count)
        let body = Array(prefix.utf8) + invalid + Array(suffix.utf8)
        try #require(body.count == EventBatchParser.defaultMaxBodyBytes)
        try await LiveIngestionFixture.run { fixture, client in
            let answer = try await client.postEvents(body, key: fixture.writeKeyA)
            #expect(answer.status == .accepted, "\(answer.json)")
            #expect(answer.json["accepted"] as? Int == 1)
            #expect((answer.json["rejected"] as? [[String: Any]])?.first?["index"] as? Int == 1)

            let raw = try await KafkaTopicReader.read(fixture.rawTopic, count: 1)
            #expect(raw.count == 1)
            let records = try await KafkaTopicReader.read(fixture.invalidTopic, count: 1, firstRecordTimeout: .seconds(30))
            try #require(records.count == 1)
            try Self.expectTruncatedRecord(records[0], of: invalid, tenant: fixture.tenantA)
        }
    }

    /// A `page_view` whose `properties` are far over their 8 KiB limit, `totalBytes` long.
    static func invalidEvent(totalBytes: Int) -> [UInt8] {
        let head = #"{"event_id":"\#(UUID().uuidString.lowercased())","player_id":"p-huge","type":"page_view","occurred_at":"\#(RFC3339.format(Date()))","properties":{"blob":""#
        let tail = #""}}"#
        let padding = totalBytes - head.utf8.count - tail.utf8.count
        return Array(head.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: padding) + Array(tail.utf8)
    }

    /// The record names the tenant and the reason, is far below Kafka's 1 MB message limit, and
    /// carries a prefix of the payload with the SHA-256 and length of all of it.
    static func expectTruncatedRecord(
        _ message: KafkaConsumerMessage, of payload: [UInt8], tenant: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(message.value.count < 200_000, "record of \(message.value.count) bytes", sourceLocation: sourceLocation)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any], sourceLocation: sourceLocation)
        #expect(record["tenant_id"] as? String == tenant, sourceLocation: sourceLocation)
        let errors = record["errors"] as? [[String: String]] ?? []
        #expect(errors.contains(["field": "properties", "reason": "too_large"]), "\(errors)", sourceLocation: sourceLocation)
        let digest = SHA256.hash(data: payload).map { String(format: "%02x", $0) }.joined()
        #expect(record["payload_sha256"] as? String == digest, sourceLocation: sourceLocation)
        #expect(record["payload_bytes"] as? Int == payload.count, sourceLocation: sourceLocation)
        #expect(record["payload_truncated"] as? Bool == true, sourceLocation: sourceLocation)
        #expect(record["event"] == nil, "a cut JSON text is not embedded as JSON", sourceLocation: sourceLocation)
        let prefix = try #require((record["payload_prefix_base64"] as? String).flatMap { Data(base64Encoded: $0) }, sourceLocation: sourceLocation)
        #expect(!prefix.isEmpty && prefix.count < payload.count, sourceLocation: sourceLocation)
        #expect(Array(prefix) == Array(payload.prefix(prefix.count)), "the prefix is the start of the payload", sourceLocation: sourceLocation)
    }
}
