import GameMetricsHTTP
import Kafka

extension ReadinessCheck {
    /// Kafka answers a metadata request.
    public static func kafka(_ producer: KafkaProducer) -> ReadinessCheck {
        ReadinessCheck("kafka") { try await producer.checkConnection() }
    }
}
