import CurlHTTP
import Foundation
import GameMetricsErasure
import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPeers
import GameMetricsPostgres
import GameMetricsRedis
import GameMetricsS3
import GameMetricsService
import Hummingbird
import Kafka
import Logging

/// Recommends games to players: implicit-ALS models trained on the tenants' play history
/// (ADR 0038), searched in pgvector (ADR 0037), cached in Redis and invalidated by activity,
/// served through a per-tenant rollout of two models (ADR 0039).
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .recommendation, environment: environment)
    let settings = try RecommendationSettings(environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    let postgres = try clients.require(.postgres)
    let reads = try clients.require(
        .readOnlyPostgres(
            statementTimeout: settings.statementTimeout,
            settings: [("hnsw.ef_search", "\(settings.efSearch)"), ("hnsw.iterative_scan", "relaxed_order")]))
    let redis = try clients.require(.redis)
    let http = try clients.require(.http)
    let s3 = try clients.require(.s3(http: http))
    let producer = try clients.require(.kafkaProducer(for: settings.kafkaAccess))
    let subjects = try ErasedSubjects(environment: environment)
    let metrics = RecommendationMetrics()

    let migrations = MigrationRunner(client: postgres, migrations: RecommendationMigrations.all, logger: logger, table: RecommendationMigrations.table)
    let prepare: @Sendable () async throws -> Void = { _ = try await migrations.migrate() }
    let cache = RecommendationCache(redis: redis, ttl: settings.cacheTTL, logger: logger)
    let models = ModelStore(postgres: postgres, logger: logger)
    let rollouts = RolloutTable(store: models, refresh: settings.rolloutRefresh, logger: logger)
    let search = VectorSearch(postgres: reads, logger: logger)
    let publisher = GeneratedPublisher(producer: producer, topic: settings.generatedTopic, metrics: metrics, logger: logger)
    let engine = RecommendationEngine(
        rollouts: rollouts, models: ServingModels(store: models, search: search), search: search, cache: cache, publisher: publisher, metrics: metrics,
        logger: logger)
    var activityConfiguration = try KafkaConsumerConfiguration(
        environment: environment, groupID: settings.activityGroupID, topics: [settings.activityTopic], clientID: settings.activityGroupID)
    // A new group starts at the latest activity: older snapshots are in the training data already.
    activityConfiguration.offsetReset = .latest
    let activity = ActivityConsumer(
        loop: ConsumerLoop(
            consumer: try KafkaConsumer(configuration: activityConfiguration, logger: logger), name: "activity-consumer", retryDelay: .milliseconds(500),
            logger: logger),
        postgres: postgres, subjects: subjects, cache: cache, metrics: metrics, prepare: prepare, logger: logger)
    let eraser = PlayerEraser(cache: cache, logger: logger)
    let erasure = try ErasureParticipant(
        name: .recommendation, environment: environment, producer: producer, postgres: postgres, subjects: subjects, topic: settings.erasureTopic,
        groupID: settings.erasureGroupID, prepare: prepare, logger: logger
    ) { request, connection in
        try await eraser.erase(tenantID: request.tenantID, playerID: request.playerID, on: connection)
    }
    let trainer = ModelTrainer(postgres: postgres, subjects: subjects, bucket: ModelBucket(client: s3.client, name: s3.name), settings: settings, logger: logger)
    let scheduler = TrainingScheduler(
        schedule: settings.trainSchedule, pass: TrainingPass(trainer: trainer, postgres: postgres, logger: logger),
        leadership: SessionLockLeadership(lockClass: TrainingScheduler.lockClass, postgres: postgres, logger: logger), metrics: metrics, logger: logger)

    let monitor = ModelStatusMonitor(postgres: postgres, metrics: metrics, interval: .seconds(60), logger: logger)

    // Callers' tokens, verified against the user service's keys (`GM_USER_URL`, `GM_AUTH_ISSUER`).
    let userServiceURL = try environment.requiredURL("GM_USER_URL", schemes: ["http", "https"])
    var issuer = userServiceURL.absoluteString
    while issuer.hasSuffix("/") { issuer.removeLast() }
    let verifier = JWKSAccessTokenVerifier(userServiceURL: userServiceURL, issuer: environment.string("GM_AUTH_ISSUER", default: issuer), http: http)
    let openAPI = try OpenAPIController(resource: Bundle.module.url(forResource: "openapi", withExtension: "json"))
    let rolloutsRead = ReadinessCheck("rollouts") {
        if !rollouts.isLoaded { throw RolloutsNotRead() }
    }
    return ServiceApplication.build(
        configuration, checks: clients.checks + [erasure.progress.readinessCheck, activity.loop.progress.readinessCheck, rolloutsRead],
        services: clients.services + [rollouts, publisher, activity, erasure, scheduler, monitor], logger: logger
    ) { router in
        openAPI.addRoutes(to: router)
        router.add(middleware: BearerAuthenticator(verifier: verifier))
        CatalogueController(store: CatalogueStore(postgres: postgres, logger: logger)).addRoutes(to: router)
        ModelController(store: models, rollouts: rollouts).addRoutes(to: router)
        RecommendationsController(engine: engine).addRoutes(to: router)
    }
}
