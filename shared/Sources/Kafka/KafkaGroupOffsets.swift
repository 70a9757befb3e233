import CRdKafka
import Logging

/// Another consumer group's progress on a topic: the offsets the group committed and the
/// partitions' high watermarks, read without joining the group (a handle with the group's id
/// that never subscribes), for dashboards of consumer lag. Every call asks the brokers.
public final class KafkaGroupOffsets: Sendable {
    /// One partition: the group's committed offset (nil before its first commit) and the offset
    /// the next record will get.
    public struct Partition: Sendable, Equatable {
        public let partition: Int32
        public let committed: Int64?
        public let highWatermark: Int64

        /// Records not yet consumed; from the start of the partition before the first commit.
        public var lag: Int64 { max(highWatermark - (committed ?? 0), 0) }
    }

    private let client: RDKafkaClient

    /// `configuration.groupID` names the group read; its topics are ignored.
    public init(configuration: KafkaConsumerConfiguration, logger: Logger) throws {
        client = try RDKafkaClient.make(.consumer, properties: configuration.properties, logger: logger)
    }

    /// Each partition of `topic`, in order.
    public func partitions(of topic: String, timeout: Duration = .seconds(2)) async throws -> [Partition] {
        let client = self.client
        return try await BlockingCalls.run {
            let milliseconds = Int32(timeout.milliseconds)
            guard let handle = rd_kafka_topic_new(client.handle, topic, nil) else {
                throw KafkaError.metadataFailed(code: -1, reason: "no topic handle for \(topic)")
            }
            defer { rd_kafka_topic_destroy(handle) }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let error = rd_kafka_metadata(client.handle, 0, handle, &metadata, milliseconds)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata, metadata.pointee.topic_cnt == 1 else {
                throw KafkaError.metadataFailed(code: error.rawValue, reason: RDKafkaClient.describe(error))
            }
            defer { rd_kafka_metadata_destroy(metadata) }
            let described = metadata.pointee.topics[0]
            guard described.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.metadataFailed(code: described.err.rawValue, reason: RDKafkaClient.describe(described.err))
            }
            let numbers = (0..<Int(described.partition_cnt)).map { described.partitions[$0].id }.sorted()
            let list = rd_kafka_topic_partition_list_new(Int32(numbers.count))!
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for number in numbers { rd_kafka_topic_partition_list_add(list, topic, number) }
            let fetched = rd_kafka_committed(client.handle, list, milliseconds)
            guard fetched == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.metadataFailed(code: fetched.rawValue, reason: "committed offsets: " + RDKafkaClient.describe(fetched))
            }
            var committed: [Int32: Int64] = [:]
            for index in 0..<Int(list.pointee.cnt) {
                let element = list.pointee.elems[index]
                if element.offset >= 0 { committed[element.partition] = element.offset }
            }
            return try numbers.map { number in
                var low: Int64 = -1, high: Int64 = -1
                let marks = rd_kafka_query_watermark_offsets(client.handle, topic, number, &low, &high, milliseconds)
                guard marks == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError.metadataFailed(code: marks.rawValue, reason: "watermarks: " + RDKafkaClient.describe(marks))
                }
                return Partition(partition: number, committed: committed[number], highWatermark: high)
            }
        }
    }
}
