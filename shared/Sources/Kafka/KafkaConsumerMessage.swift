import Foundation

/// A consumed record, copied out of librdkafka's buffers.
public struct KafkaConsumerMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    public let value: [UInt8]
    public let headers: [KafkaHeader]
    /// The record's timestamp, when the broker or producer set one.
    public let timestamp: Date?

    public var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
}
