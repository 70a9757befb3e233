import GameMetricsKit
import GameMetricsService
import Hummingbird
import Kafka
import Logging
import PostgresNIO
import ServiceLifecycle

/// The GDPR part of the user service, assembled from the configuration: the routes and the
/// erasure coordinator. `buildApplication` creates it once, passes ``services`` to the
/// application (after the PostgreSQL client and the producer) and calls ``addRoutes(to:)``.
struct PrivacyModule: Sendable {
    static let participantsVariable = "GM_ERASURE_PARTICIPANTS"

    let participants: [String]
    let repository: PostgresErasureRepository
    let players: PostgresPlayerRepository
    let publisher: KafkaErasurePublisher
    let coordinator: ErasureCoordinator
    let logger: Logger

    /// The erasure coordinator (it owns its Kafka consumer).
    var services: [any Service] { [coordinator] }

    func addRoutes(to router: Router<AppRequestContext>) {
        PrivacyController(erasures: repository, players: players, publisher: publisher, participants: participants, logger: logger)
            .addRoutes(to: router)
    }

    /// `GM_ERASURE_PARTICIPANTS`: comma-separated service names, default `user`.
    static func participants(_ environment: EnvironmentReader) throws -> [String] {
        let raw = environment.string(participantsVariable, default: ErasureCoordinator.service)
        var names: [String] = []
        for part in raw.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard name.range(of: "^[a-z0-9][a-z0-9-]{0,62}$", options: .regularExpression) != nil else {
                throw ConfigurationError(variable: participantsVariable,
                                         problem: "must be comma-separated service names (a-z, 0-9, -), got '\(name)'")
            }
            if !names.contains(name) { names.append(name) }
        }
        guard !names.isEmpty else {
            throw ConfigurationError(variable: participantsVariable, problem: "must name at least one service")
        }
        return names
    }
}

/// Builds the GDPR module: reads `GM_ERASURE_PARTICIPANTS` and `GM_KAFKA_BOOTSTRAP`, creates the
/// coordinator's consumer (group `groupID`, on `topic`). `topic` and `groupID` are parameters for tests.
func buildPrivacy(
    postgres: PostgresClient, producer: KafkaProducer, environment: EnvironmentReader, logger: Logger,
    topic: String = ErasureMessage.topic, groupID: String = ErasureCoordinator.groupID
) throws -> PrivacyModule {
    let participants = try PrivacyModule.participants(environment)
    let scope = TenantScope(client: postgres, logger: logger)
    let repository = PostgresErasureRepository(scope: scope)
    let publisher = KafkaErasurePublisher(producer: producer, topic: topic)
    var configuration = try KafkaConsumerConfiguration(
        environment: environment, groupID: groupID, topics: [topic], clientID: "user-erasure")
    configuration.offsetReset = .earliest
    let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
    let coordinator = ErasureCoordinator(
        consumer: consumer, repository: repository, publisher: publisher,
        deadLetters: DeadLetterQueue(producer: producer, group: groupID), logger: logger)
    return PrivacyModule(
        participants: participants, repository: repository, players: PostgresPlayerRepository(scope: scope),
        publisher: publisher, coordinator: coordinator, logger: logger)
}
