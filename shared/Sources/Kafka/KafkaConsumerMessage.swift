import Foundation

/// A consumed record, copied out of librdkafka's buffers.
public struct KafkaConsumerMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    /// Empty for a tombstone (see `isTombstone`).
    public let value: [UInt8]
    /// The record's value is null: on a compacted topic, the key was deleted.
    public let isTombstone: Bool
    public let headers: [KafkaHeader]
    /// The record's timestamp, when the broker or producer set one.
    public let timestamp: Date?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader], timestamp: Date?,
        isTombstone: Bool = false
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
        self.isTombstone = isTombstone
    }

    public var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// Per partition, the offset after the highest one among `messages`: what to commit once
    /// they are processed.
    public static func nextOffsets(after messages: some Sequence<KafkaConsumerMessage>) -> [KafkaTopicPartition: Int64] {
        var next: [KafkaTopicPartition: Int64] = [:]
        for message in messages {
            next[message.topicPartition] = max(next[message.topicPartition] ?? 0, message.offset + 1)
        }
        return next
    }
}
