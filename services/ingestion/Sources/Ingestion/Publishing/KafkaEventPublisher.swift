import Kafka

/// Publishes through the service's idempotent, acks=all producer.
struct KafkaEventPublisher: EventPublisher {
    let producer: KafkaProducer

    func publish(_ records: [KafkaProducerMessage]) async -> [Result<Void, KafkaError>] {
        await producer.send(records).map { $0.map { _ in () } }
    }

    var inFlightCount: Int { producer.inFlightCount }
}
