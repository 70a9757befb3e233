/// A record to produce. Without a partition, librdkafka's partitioner hashes the key
/// (murmur2, as the Java client does), so one key always lands on one partition.
public struct KafkaProducerMessage: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    public var partition: Int32?
    /// A record with a null value: on a compacted topic it deletes the key.
    public private(set) var isTombstone = false

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    public init(topic: String, key: String, value: [UInt8], headers: [KafkaHeader] = []) {
        self.init(topic: topic, key: Array(key.utf8), value: value, headers: headers)
    }

    public static func tombstone(topic: String, key: [UInt8], headers: [KafkaHeader] = []) -> KafkaProducerMessage {
        var message = KafkaProducerMessage(topic: topic, key: key, value: [], headers: headers)
        message.isTombstone = true
        return message
    }
}
