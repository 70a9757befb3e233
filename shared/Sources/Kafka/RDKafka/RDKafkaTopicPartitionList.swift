import CRdKafka

/// Conversions between librdkafka's partition lists and Swift values.
enum RDKafkaTopicPartitionList {
    static func partitions(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition] {
        (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)
        }
    }

    /// Calls `body` with a list holding `offsets`, destroyed afterwards.
    static func withList<R>(_ offsets: [KafkaOffset], _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws -> R) rethrows -> R {
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for offset in offsets {
            let element = rd_kafka_topic_partition_list_add(list, offset.topicPartition.topic, offset.topicPartition.partition)!
            element.pointee.offset = offset.offset
        }
        return try body(list)
    }
}
