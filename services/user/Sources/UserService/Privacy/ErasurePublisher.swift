import GameMetricsKit
import Kafka

/// Something that publishes records (the Kafka producer; tests may substitute it).
protocol ErasurePublisher: Sendable {
    /// `trace` travels as the record's `traceparent` header.
    func publish(_ message: ErasureMessage, trace: TraceParent?) async throws
}
