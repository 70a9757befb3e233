import GameMetricsAudit
import GameMetricsErasure
import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsService
import Hummingbird
import Kafka
import Logging
import PostgresNIO
import ServiceLifecycle

/// The GDPR part of the user service, assembled from the configuration: the routes (erasure,
/// export, and other services' audit records), the erasure participant (which also
/// coordinates) and the audit anchoring. `buildApplication` creates it once, passes
/// ``services`` to the application (after the PostgreSQL client and the producer) and calls
/// ``addRoutes(to:)``.
struct PrivacyModule: Sendable {
    /// The services a new request waits for: ``ErasureParticipantName/all`` in production.
    let participants: [String]
    let repository: PostgresErasureRepository
    let players: PostgresPlayerRepository
    let publisher: KafkaErasurePublisher
    /// The user service's erasure participant, which hands completions to the coordinator.
    let erasure: ErasureParticipant
    /// Anchors the audit chain's head and daily digests in S3.
    let anchoring: AuditAnchorService
    let logger: Logger

    /// The erasure participant (it owns its Kafka consumer) and the audit anchoring.
    var services: [any Service] { [erasure, anchoring] }

    func addRoutes(to router: Router<AppRequestContext>) {
        PrivacyController(erasures: repository, players: players, publisher: publisher, participants: participants, logger: logger)
            .addRoutes(to: router)
        // Other services' records (role audit-writer), under the same chain key as the rest.
        AuditRecordController(scope: repository.scope, key: repository.auditKey).addRoutes(to: router)
    }
}

/// What the GDPR module does with Kafka: publishes erasure requests on `topic` and takes part in
/// erasure as participant `user` (``ErasureParticipant/kafkaAccess(topic:groupID:tombstoneTopics:)``,
/// no compacted topic of its own). The service's producer is built for exactly this, and the
/// chart's KafkaUser `user` grants it.
/// It also asks the notification service to tell operators of ended requests (`noticeTopic`).
func privacyKafkaAccess(
    topic: String = ErasureMessage.topic, groupID: String = ErasureParticipant.groupID(for: .user), noticeTopic: String = PlatformTopic.notifications
) -> KafkaAccess {
    KafkaAccess(produces: [topic, noticeTopic]).union(ErasureParticipant.kafkaAccess(topic: topic, groupID: groupID))
}

/// Builds the GDPR module: reads `GM_KAFKA_BOOTSTRAP`, the audit chain key
/// (`GM_AUDIT_HMAC_KEY[_FILE]`) and the anchor's S3 settings (`GM_AUDIT_ANCHOR_*`), creates the
/// erasure participant `user` (its consumer in group `groupID`, on `topic`), which erases the
/// player's profile and hands every completion to the ``ErasureCoordinator``. `participants`,
/// `topic` and `groupID` are parameters for tests; production waits for every participant of
/// the platform.
func buildPrivacy(
    postgres: PostgresClient, producer: KafkaProducer, environment: EnvironmentReader, logger: Logger,
    participants: [ErasureParticipantName] = ErasureParticipantName.allCases,
    topic: String = ErasureMessage.topic, groupID: String = ErasureParticipant.groupID(for: .user), noticeTopic: String = PlatformTopic.notifications
) throws -> PrivacyModule {
    let keys = try AuditKeyring(environment: environment)
    let anchors = try AuditAnchorStore(environment: environment, chain: .user)
    let scope = TenantScope(client: postgres, logger: logger)
    let repository = PostgresErasureRepository(scope: scope, auditKey: keys.current)
    let coordinator = ErasureCoordinator(repository: repository, notice: ErasureFinishedNotice(producer: producer, topic: noticeTopic), logger: logger)
    let erasure = try ErasureParticipant(
        name: .user, environment: environment, producer: producer, postgres: postgres, topic: topic, groupID: groupID,
        completions: { completion, _ in try await coordinator.record(completion) }, logger: logger
    ) { request, connection in
        try await repository.erasePlayerData(request, on: connection)
    }
    return PrivacyModule(
        participants: participants.map(\.rawValue), repository: repository, players: PostgresPlayerRepository(scope: scope),
        publisher: KafkaErasurePublisher(producer: producer, topic: topic), erasure: erasure,
        anchoring: AuditAnchorService(chain: .user, postgres: postgres, keys: keys, store: anchors, logger: logger), logger: logger)
}
