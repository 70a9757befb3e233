import Foundation
import Kafka
import Metrics
import ServiceLifecycle
import Synchronization

/// Consumer lag per partition this member owns: the high watermark minus the offset the
/// processor committed (or, before its first commit, the partition's low watermark).
/// `gm_processor_consumer_lag{topic,partition}` is refreshed every `interval`.
final class ConsumerLag: Service, Sendable {
    struct PartitionLag: Sendable, Equatable, Codable {
        var topic: String
        var partition: Int32
        var committedOffset: Int64?
        var highWatermark: Int64?
        var lag: Int64?

        enum CodingKeys: String, CodingKey {
            case topic, partition, lag
            case committedOffset = "committed_offset"
            case highWatermark = "high_watermark"
        }
    }

    private let consumer: KafkaConsumer
    private let interval: Duration
    private let committed = Mutex<[KafkaTopicPartition: Int64]>([:])
    private let gauges = Mutex<[KafkaTopicPartition: Gauge]>([:])

    init(consumer: KafkaConsumer, interval: Duration = .seconds(5)) {
        self.consumer = consumer
        self.interval = interval
    }

    /// Records offsets the processor committed (the next offset to read, per partition).
    func committed(_ offsets: [KafkaTopicPartition: Int64]) {
        committed.withLock { committed in
            committed.merge(offsets) { max($0, $1) }
        }
    }

    /// The owned partitions, in order.
    func snapshot() -> [PartitionLag] {
        let committed = self.committed.withLock { $0 }
        return consumer.assignedPartitions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }.map { partition in
            let marks = consumer.watermarks(of: partition)
            let position = committed[partition] ?? marks?.low
            let lag = marks.flatMap { marks in position.map { max(marks.high - $0, 0) } }
            return PartitionLag(
                topic: partition.topic, partition: partition.partition, committedOffset: committed[partition],
                highWatermark: marks?.high, lag: lag)
        }
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: self.interval)
                self.refreshGauges()
            }
        }
    }

    func refreshGauges() {
        for entry in snapshot() {
            let key = KafkaTopicPartition(topic: entry.topic, partition: entry.partition)
            let gauge = gauges.withLock { gauges in
                if let gauge = gauges[key] { return gauge }
                let gauge = Gauge(label: "gm_processor_consumer_lag", dimensions: [("topic", entry.topic), ("partition", String(entry.partition))])
                gauges[key] = gauge
                return gauge
            }
            if let lag = entry.lag { gauge.record(lag) }
        }
    }
}
