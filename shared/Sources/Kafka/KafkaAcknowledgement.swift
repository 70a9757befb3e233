/// Where the broker durably stored a produced record (with acks=all: on every in-sync replica).
public struct KafkaAcknowledgement: Sendable, Hashable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
}
