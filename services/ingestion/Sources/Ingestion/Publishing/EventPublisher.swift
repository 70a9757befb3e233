import Kafka

/// Where accepted and rejected events are written: Kafka in production, memory in unit tests.
protocol EventPublisher: Sendable {
    /// Writes every record and waits until each is acknowledged or has definitively failed;
    /// one result per record, in order.
    func publish(_ records: [KafkaProducerMessage]) async -> [Result<Void, KafkaError>]
    /// Records handed over but not yet acknowledged.
    var inFlightCount: Int { get }
}
