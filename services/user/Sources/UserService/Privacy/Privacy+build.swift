import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsService
import Hummingbird
import Kafka
import Logging
import PostgresNIO
import ServiceLifecycle

/// The GDPR part of the user service, assembled from the configuration: the routes, the
/// erasure coordinator and the audit anchoring. `buildApplication` creates it once, passes ``services`` to the
/// application (after the PostgreSQL client and the producer) and calls ``addRoutes(to:)``.
struct PrivacyModule: Sendable {
    static let participantsVariable = "GM_ERASURE_PARTICIPANTS"

    let participants: [String]
    let repository: PostgresErasureRepository
    let players: PostgresPlayerRepository
    let publisher: KafkaErasurePublisher
    let coordinator: ErasureCoordinator
    /// Anchors the audit chain's head in S3.
    let anchoring: AuditAnchorService
    let logger: Logger

    /// The erasure coordinator (it owns its Kafka consumer) and the audit anchoring.
    var services: [any Service] { [coordinator, anchoring] }

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

/// Builds the GDPR module: reads `GM_ERASURE_PARTICIPANTS`, `GM_KAFKA_BOOTSTRAP`, the audit chain
/// key (`GM_AUDIT_HMAC_KEY[_FILE]`) and the anchor's S3 settings (`GM_AUDIT_ANCHOR_*`), creates the
/// coordinator's consumer (group `groupID`, on `topic`). `topic` and `groupID` are parameters for tests.
func buildPrivacy(
    postgres: PostgresClient, producer: KafkaProducer, environment: EnvironmentReader, logger: Logger,
    topic: String = ErasureMessage.topic, groupID: String = ErasureCoordinator.groupID
) throws -> PrivacyModule {
    let participants = try PrivacyModule.participants(environment)
    let keys = try AuditKeyring(environment: environment)
    let anchors = try AuditAnchorStore(environment: environment)
    let scope = TenantScope(client: postgres, logger: logger)
    let repository = PostgresErasureRepository(scope: scope, auditKey: keys.current)
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
        publisher: publisher, coordinator: coordinator,
        anchoring: AuditAnchorService(postgres: postgres, keys: keys, store: anchors, logger: logger), logger: logger)
}
