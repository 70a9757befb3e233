/// Group membership changes, for applications that keep per-partition state.
public enum KafkaConsumerEvent: Sendable, Hashable {
    case partitionsAssigned([KafkaTopicPartition])
    case partitionsRevoked([KafkaTopicPartition])
}
