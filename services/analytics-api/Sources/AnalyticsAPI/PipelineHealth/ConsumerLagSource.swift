import Kafka
import Logging

/// The processor's consumer lag, as pipeline health shows it.
protocol ConsumerLagSource: Sendable {
    /// nil when Kafka does not answer in time.
    func report() async -> ConsumerLagReport?
}

/// Asks the brokers for the group's committed offsets and the topic's high watermarks.
struct KafkaConsumerLag: ConsumerLagSource {
    let offsets: KafkaGroupOffsets
    let group: String
    let topic: String
    let logger: Logger

    func report() async -> ConsumerLagReport? {
        do {
            let partitions = try await offsets.partitions(of: topic)
            return ConsumerLagReport(
                group: group, topic: topic, totalLag: Double(partitions.reduce(0) { $0 + $1.lag }),
                partitions: partitions.map {
                    PartitionLag(partition: Int($0.partition), committedOffset: $0.committed.map(Double.init), highWatermark: Double($0.highWatermark), lag: Double($0.lag))
                })
        } catch {
            logger.debug("consumer lag not read", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
