import GameMetricsKit
import GameMetricsService
import Kafka
import Logging

/// The platform's producer (idempotent, acks=all) from `GM_KAFKA_*` (see
/// `KafkaProducerConfiguration(environment:clientID:)`); the service is unready while the
/// brokers do not answer a metadata request.
public struct KafkaProducerRequirement: ClientRequirement {
    public func makeClient(environment: EnvironmentReader, clientID: String, logger: Logger) throws -> RequiredClient<KafkaProducer> {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(environment: environment, clientID: clientID), logger: logger)
        return RequiredClient(producer, readiness: .kafka(producer), service: producer)
    }
}

extension ClientRequirement where Self == KafkaProducerRequirement {
    public static var kafkaProducer: KafkaProducerRequirement { KafkaProducerRequirement() }
}
