import GameMetricsKit
import Kafka

/// Publishes to `privacy.erasure` (or another topic, for tests) and waits for the broker's ack.
struct KafkaErasurePublisher: ErasurePublisher {
    let producer: KafkaProducer
    var topic: String = ErasureMessage.topic

    func publish(_ message: ErasureMessage, trace: TraceParent?) async throws {
        let headers = trace.map { [KafkaHeader(key: TraceParent.headerName, string: $0.description)] } ?? []
        _ = try await producer.send(
            KafkaProducerMessage(
                topic: topic, key: message.key, value: try message.encoded(), headers: headers))
    }
}
