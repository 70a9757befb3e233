import GameMetricsKafka
import Kafka

extension [KafkaConsumerMessage] {
    /// Dead letters once each: delivery is at-least-once, so a record redelivered after a
    /// rebalance may be dead-lettered twice, and the source topic, partition and offset in the
    /// `gm-dlq-*` headers tell the copies apart.
    public var distinctDeadLetters: [KafkaConsumerMessage] {
        var seen: Set<[String?]> = []
        return filter { record in
            seen.insert(
                [DeadLetterQueue.topicHeader, DeadLetterQueue.partitionHeader, DeadLetterQueue.offsetHeader].map {
                    record.headers.string(for: $0)
                }
            ).inserted
        }
    }
}
