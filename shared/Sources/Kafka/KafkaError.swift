/// Everything the Kafka wrapper can fail with; librdkafka's codes and texts are kept for operators.
public enum KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration property librdkafka refused.
    case invalidConfiguration(property: String, reason: String)
    /// The client handle could not be created.
    case clientCreation(reason: String)
    /// The local producer queue stayed full for the whole enqueue timeout (backpressure).
    case queueFull
    /// librdkafka refused the message before queueing it (unknown topic, too large, ...).
    case produceRejected(code: Int32, reason: String)
    /// The broker did not acknowledge the message (after librdkafka's own retries).
    case deliveryFailed(code: Int32, reason: String)
    case commitFailed(code: Int32, reason: String)
    case subscriptionFailed(code: Int32, reason: String)
    case metadataFailed(code: Int32, reason: String)
    /// A non-recoverable client error; the handle must be recreated.
    case fatal(code: Int32, reason: String)
    /// The client was shut down.
    case closed
    /// The sending task was cancelled before this record was handed to librdkafka.
    case cancelled

    public var description: String {
        switch self {
        case let .invalidConfiguration(property, reason): "kafka: invalid configuration \(property): \(reason)"
        case let .clientCreation(reason): "kafka: cannot create client: \(reason)"
        case .queueFull: "kafka: producer queue full"
        case let .produceRejected(code, reason): "kafka: message rejected (\(code)): \(reason)"
        case let .deliveryFailed(code, reason): "kafka: delivery failed (\(code)): \(reason)"
        case let .commitFailed(code, reason): "kafka: commit failed (\(code)): \(reason)"
        case let .subscriptionFailed(code, reason): "kafka: subscribe failed (\(code)): \(reason)"
        case let .metadataFailed(code, reason): "kafka: metadata request failed (\(code)): \(reason)"
        case let .fatal(code, reason): "kafka: fatal error (\(code)): \(reason)"
        case .closed: "kafka: client closed"
        case .cancelled: "kafka: send cancelled before the record was queued"
        }
    }
}
