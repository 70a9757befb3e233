import Foundation
import Kafka
import Metrics

/// Where a consumer puts a record it cannot use — one that does not decode, or that its store
/// refuses for what it contains — so that the record neither blocks its partition nor is lost:
/// by default `<source topic>.dlq` (e.g. `privacy.erasure.dlq`, declared in
/// charts/kafka/topics.json). The dead-letter record keeps the original key, value and headers
/// and adds `gm-dlq-*` headers: why, where it came from (topic, partition, offset), which
/// consumer group gave up on it and when. Operators read it, fix the cause, and may produce the
/// value again to the source topic.
///
/// Every consumer of every topic can use it through `ConsumerLoop.runRecordByRecord(deadLetters:decode:handle:)`.
public struct DeadLetterQueue: Sendable {
    public static let suffix = ".dlq"
    public static let reasonHeader = "gm-dlq-reason"
    public static let topicHeader = "gm-dlq-topic"
    public static let partitionHeader = "gm-dlq-partition"
    public static let offsetHeader = "gm-dlq-offset"
    public static let groupHeader = "gm-dlq-group"
    public static let timeHeader = "gm-dlq-at"
    /// Set when the value was cut to `maximumValueBytes`: the original size in bytes.
    public static let originalSizeHeader = "gm-dlq-original-bytes"

    /// A reason longer than this is cut (at a character boundary).
    public static let maximumReasonBytes = 1024

    private let producer: KafkaProducer
    private let group: String
    private let topicForSource: @Sendable (String) -> String
    private let maximumValueBytes: Int

    /// - Parameters:
    ///   - group: the consumer group that gives up on the record (named in the header and the metric).
    ///   - topic: the dead-letter topic of a source topic; `<source>.dlq` by default.
    ///   - maximumValueBytes: a larger value is cut to this size, so the dead-letter record
    ///     stays under the broker's message limit (1 MB by default) with its headers.
    public init(
        producer: KafkaProducer, group: String, maximumValueBytes: Int = 900_000,
        topic: @escaping @Sendable (String) -> String = { $0 + DeadLetterQueue.suffix }
    ) {
        self.producer = producer
        self.group = group
        self.topicForSource = topic
        self.maximumValueBytes = maximumValueBytes
    }

    /// The dead-letter topic of records from `source`.
    public func topic(for source: String) -> String {
        topicForSource(source)
    }

    /// The dead-letter record for `record`.
    public func message(for record: KafkaConsumerMessage, reason: String, at time: Date = Date()) -> KafkaProducerMessage {
        var headers = record.headers
        headers.append(KafkaHeader(key: Self.reasonHeader, string: Self.truncated(reason, toBytes: Self.maximumReasonBytes)))
        headers.append(KafkaHeader(key: Self.topicHeader, string: record.topic))
        headers.append(KafkaHeader(key: Self.partitionHeader, string: String(record.partition)))
        headers.append(KafkaHeader(key: Self.offsetHeader, string: String(record.offset)))
        headers.append(KafkaHeader(key: Self.groupHeader, string: group))
        headers.append(KafkaHeader(key: Self.timeHeader, string: String(Int64((time.timeIntervalSince1970 * 1000).rounded()))))
        var value = record.value
        if value.count > maximumValueBytes {
            headers.append(KafkaHeader(key: Self.originalSizeHeader, string: String(value.count)))
            value = Array(value.prefix(maximumValueBytes))
        }
        return KafkaProducerMessage(topic: topicForSource(record.topic), key: record.key, value: value, headers: headers)
    }

    /// Produces the dead-letter record and waits for the broker's acknowledgement; throws when it
    /// was not taken (the caller retries: a record is committed only once it is dead-lettered).
    public func send(_ record: KafkaConsumerMessage, reason: String) async throws {
        _ = try await producer.send(message(for: record, reason: reason))
        Counter(label: "gm_kafka_dead_lettered_total", dimensions: [("topic", record.topic), ("group", group)]).increment()
    }

    static func truncated(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            guard bytes + size <= limit - 3 else { break }
            result.append(character)
            bytes += size
        }
        return result + "..."
    }
}
