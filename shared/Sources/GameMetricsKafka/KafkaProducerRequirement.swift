import GameMetricsKit
import GameMetricsService
import Kafka
import Logging

/// The platform's producer (idempotent, acks=all) from `GM_KAFKA_*` (see
/// `KafkaProducerConfiguration(environment:clientID:)`); the service is unready while the
/// brokers do not answer a metadata request. Built for a service's ``KafkaAccess``, it writes only
/// the topics the access names (what the service's KafkaUser may write).
public struct KafkaProducerRequirement: ClientRequirement {
    /// The topics the producer may write; nil: any (tools and tests).
    public var permittedTopics: Set<String>?

    public func makeClient(environment: EnvironmentReader, clientID: String, logger: Logger) throws -> RequiredClient<KafkaProducer> {
        var configuration = try KafkaProducerConfiguration(environment: environment, clientID: clientID)
        configuration.permittedTopics = permittedTopics
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        return RequiredClient(producer, readiness: .kafka(producer), service: producer)
    }
}

extension ClientRequirement where Self == KafkaProducerRequirement {
    /// A producer that may write any topic.
    public static var kafkaProducer: KafkaProducerRequirement { KafkaProducerRequirement(permittedTopics: nil) }

    /// A producer for a service with this access: it writes only `access.produces`.
    public static func kafkaProducer(for access: KafkaAccess) -> KafkaProducerRequirement {
        KafkaProducerRequirement(permittedTopics: access.produces)
    }
}
