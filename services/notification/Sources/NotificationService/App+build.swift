import CurlHTTP
import Foundation
import GameMetricsErasure
import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPeers
import GameMetricsPostgres
import GameMetricsService
import Hummingbird
import Kafka
import Logging

/// Tells players and operators what happened: notifications asked for over the API or the
/// `notifications.requested` topic, or made by the rules from platform events, queued in
/// PostgreSQL and delivered by email (SMTP), signed webhooks and Slack-compatible webhooks, with
/// retries, a dead-letter queue and one message id per notification (ADR 0034).
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .notification, environment: environment)
    let settings = try NotificationSettings(environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    var postgresRequirement = PostgresRequirement.postgres
    // Every send to a player holds a connection (the erasure lock, shared) while it runs.
    postgresRequirement.maximumConnections = settings.delivery.concurrency + 8
    let postgres = try clients.require(postgresRequirement)
    let producer = try clients.require(.kafkaProducer(for: settings.kafkaAccess))
    let http = try clients.require(.http)
    let smtp = SMTPClient(configuration: settings.smtp)
    let subjects = try ErasedSubjects(environment: environment)
    let metrics = NotificationMetrics()
    metrics.registerAll()

    let migrations = MigrationRunner(client: postgres, migrations: NotificationMigrations.all, logger: logger, table: NotificationMigrations.table)
    let prepare: @Sendable () async throws -> Void = { _ = try await migrations.migrate() }
    let secrets = SecretBox(key: settings.secretKey)
    let directory = TenantDirectory(client: postgres, secrets: secrets, logger: logger)
    let queue = NotificationQueue(client: postgres, subjects: subjects, logger: logger)
    let deadLetterStore = DeadLetterStore(client: postgres, logger: logger)
    let links = UnsubscribeLinks(publicURL: settings.publicURL, secrets: secrets)
    let policy = DestinationPolicy(allowPrivate: settings.allowPrivateDestinations)
    let courier = Courier(
        directory: directory, renderer: try MessageRenderer.bundled(),
        composer: EmailComposer(fromAddress: settings.fromAddress, messageIDDomain: settings.fromAddress.split(separator: "@").last.map(String.init) ?? "gamemetrics"),
        smtp: smtp, http: HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: settings.delivery.concurrency, userAgent: "GameMetricsPro-Notifications")),
        policy: policy, unsubscribe: links, alertSlackURL: settings.alertSlackURL, timeout: settings.delivery.timeout, logger: logger)
    let publisher = DeadLetterPublisher(store: deadLetterStore, producer: producer, topic: settings.topics.deadLetters, logger: logger)
    let worker = DeliveryWorker(queue: queue, courier: courier, policy: settings.delivery, metrics: metrics, deadLetters: publisher.wakeup, logger: logger)
    let intake = Intake(queue: queue, directory: directory, wakeup: worker.wakeup, metrics: metrics)

    // Refused records of every intake topic go to notifications.dlq, beside the dead deliveries.
    func topicIntake(_ topic: String, group: String, name: String, source: String, decode: @escaping @Sendable (KafkaConsumerMessage) throws -> TopicIntake.Ask?)
        throws -> TopicIntake
    {
        var consumer = try KafkaConsumerConfiguration(environment: environment, groupID: group, topics: [topic], clientID: group)
        consumer.offsetReset = .earliest
        return TopicIntake(
            loop: ConsumerLoop(consumer: try KafkaConsumer(configuration: consumer, logger: logger), name: name, retryDelay: .milliseconds(500), logger: logger),
            intake: intake, deadLetters: DeadLetterQueue(producer: producer, group: group) { [topics = settings.topics] _ in topics.deadLetters },
            source: source, prepare: prepare, decode: decode)
    }
    let requested = try topicIntake(
        settings.topics.requested, group: settings.topics.requestedGroup, name: "requests-consumer", source: "topic", decode: TopicRecords.requested)
    let achievements = try topicIntake(
        settings.topics.events, group: settings.topics.eventsGroup, name: "achievements-consumer", source: "rule:achievement_unlocked"
    ) { TopicRecords.achievement($0) }
    let recommendations = try topicIntake(
        settings.topics.recommendations, group: settings.topics.recommendationsGroup, name: "recommendations-consumer",
        source: "rule:recommendations_changed"
    ) { try TopicRecords.recommendations($0) }
    let erasure = try ErasureParticipant(
        name: .notification, environment: environment, producer: producer, postgres: postgres, subjects: subjects, topic: settings.topics.erasure,
        groupID: settings.topics.erasureGroup, prepare: prepare, logger: logger
    ) { request, connection in
        try await TenantDirectory.erase(tenantID: request.tenantID, playerID: request.playerID, on: connection, logger: logger)
    }
    let monitor = QueueMonitor(client: postgres, metrics: metrics, interval: .seconds(5), logger: logger)

    let verifier = JWKSAccessTokenVerifier(userServiceURL: settings.userServiceURL, issuer: settings.issuer, http: http)
    let openAPI = try OpenAPIController(resource: Bundle.module.url(forResource: "openapi", withExtension: "json"))
    let smtpCheck = ReadinessCheck("smtp") { try await smtp.probe() }
    let checks =
        clients.checks + [smtpCheck] + [requested, achievements, recommendations].map(\.loop.progress.readinessCheck) + [erasure.progress.readinessCheck]
    // In dependency order: the clients, then what consumes into the queue, then what drains it.
    return ServiceApplication.build(
        configuration, checks: checks,
        services: clients.services + [erasure, requested, achievements, recommendations, worker, publisher, monitor], logger: logger
    ) { router in
        openAPI.addRoutes(to: router)
        UnsubscribeController(directory: directory, links: links).addRoutes(to: router)
        AlertmanagerController(intake: intake, token: settings.alertmanagerToken).addRoutes(to: router)
        router.add(middleware: BearerAuthenticator(verifier: verifier))
        NotificationController(
            intake: intake, statuses: NotificationStatusReader(client: postgres, deadLetters: deadLetterStore, logger: logger),
            tenantPendingLimit: settings.delivery.tenantPendingLimit
        ).addRoutes(to: router)
        DeadLetterController(store: deadLetterStore, wakeup: worker.wakeup).addRoutes(to: router)
        RecipientController(directory: directory).addRoutes(to: router)
        EndpointController(directory: directory, policy: policy).addRoutes(to: router)
        SettingsController(directory: directory).addRoutes(to: router)
    }
}
