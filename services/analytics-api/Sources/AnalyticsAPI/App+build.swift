import Foundation
import GameMetricsErasure
import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPeers
import GameMetricsPostgres
import GameMetricsRedis
import GameMetricsService
import GraphQL
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Kafka
import Logging
import NIOCore

/// Serves dashboards: GraphQL queries over the processor's time series (`POST /graphql`), live
/// updates over WebSocket (`/graphql`, graphql-transport-ws), per-tenant invalid-event counts.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .analyticsAPI, environment: environment)
    let settings = try AnalyticsSettings(environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    let postgres = try clients.require(.postgres)
    let reads = try clients.require(.readOnlyPostgres(statementTimeout: settings.statementTimeout))
    // Queries are answered without Redis (uncached); only live updates need it.
    let redis = try clients.require(.redis(gatesReadiness: false))
    let producer = try clients.require(.kafkaProducer(for: settings.kafkaAccess))
    let http = try clients.require(.http)

    let migrations = MigrationRunner(client: postgres, migrations: AnalyticsMigrations.all, logger: logger, table: AnalyticsMigrations.table)
    let prepare: @Sendable () async throws -> Void = { _ = try await migrations.migrate() }
    let cache = AnswerCache(redis: redis, ttl: settings.cacheTTL, logger: logger)
    let invalidEvents = InvalidEventCounter(
        loop: ConsumerLoop(
            consumer: try KafkaConsumer(
                configuration: try KafkaConsumerConfiguration(
                    environment: environment, groupID: settings.invalidGroupID, topics: [settings.invalidTopic], clientID: settings.invalidGroupID),
                logger: logger),
            name: "invalid-events-consumer", retryDelay: .milliseconds(500), logger: logger),
        postgres: postgres, prepare: prepare, logger: logger)
    let erasure = try ErasureParticipant(
        name: .analyticsAPI, environment: environment, producer: producer, postgres: postgres, topic: settings.erasureTopic,
        groupID: settings.erasureGroupID, prepare: prepare, logger: logger
    ) { request, _ in
        ["cached_answers": try await cache.erase(tenant: request.tenantID, player: request.playerID)]
    }
    let lag = KafkaConsumerLag(
        offsets: try KafkaGroupOffsets(
            configuration: try KafkaConsumerConfiguration(environment: environment, groupID: settings.lagGroupID, topics: [], clientID: "analytics-api-lag"),
            logger: logger),
        group: settings.lagGroupID, topic: settings.lagTopic, logger: logger)
    let retirement = CacheRetirement(cache: cache, interval: settings.cacheRetireInterval, logger: logger)
    let hub = LiveMetricsHub(
        redis: redis, channelPrefix: settings.liveChannelPrefix, retirement: retirement, capacity: settings.webSocket.sendQueue, logger: logger)

    let schema = try AnalyticsSchema.make()
    let persisted = try PersistedQueries(
        contentsOf: settings.persistedQueriesFile.map { URL(fileURLWithPath: $0) } ?? Bundle.module.url(forResource: "persisted-queries", withExtension: "json")!,
        onlyListed: settings.persistedOnly)
    let executor = GraphQLExecutor(schema: schema, limits: settings.limits, persisted: persisted, logger: logger)
    let verifier = JWKSAccessTokenVerifier(userServiceURL: settings.userServiceURL, issuer: settings.issuer, http: http)
    let contexts = ContextFactory(
        store: PostgresAnalyticsStore(client: reads, logger: logger), cache: cache, lag: lag,
        audit: UserServiceAudit(
            baseURL: settings.userServiceURL, tokens: ServiceTokenProvider(userServiceURL: settings.userServiceURL, credentials: settings.serviceCredentials, http: http),
            http: http),
        limits: settings.limits, minuteGrainDays: settings.minuteGrainDays)
    let graphQL = GraphQLController(
        executor: executor, contexts: contexts, responses: ResponseCache(redis: redis, ttl: settings.cacheTTL, logger: logger),
        sdl: printSchema(schema: schema.schema))
    let webSocket = GraphQLWebSocket(
        executor: executor, contexts: contexts, hub: hub, verifier: verifier, settings: settings.webSocket,
        connections: TenantConnections(limit: settings.webSocket.maxConnectionsPerTenant), logger: logger)
    let openAPI = try OpenAPIController(resource: Bundle.module.url(forResource: "openapi", withExtension: "json"))

    let limits = configuration.httpLimits
    let server = HTTPServerBuilder.http1WebSocketUpgrade(
        configuration: .init(
            http1: .init(additionalChannelHandlers: limits.channelHandlers(), idleTimeout: TimeAmount(limits.idleTimeout)),
            ws: .init(maxFrameSize: settings.webSocket.maxMessageBytes, autoPing: .enabled(timePeriod: settings.webSocket.pingInterval))),
        shouldUpgrade: { head, _, _ in webSocket.shouldUpgrade(head) })
    let checks = clients.checks + [invalidEvents.loop.progress.readinessCheck, erasure.progress.readinessCheck]
    // In dependency order: the clients first, then what reads Redis and Kafka.
    return ServiceApplication.build(
        configuration, checks: checks, services: clients.services + [retirement, hub, invalidEvents, erasure], logger: logger, server: server
    ) { router in
        openAPI.addRoutes(to: router)
        router.add(middleware: BearerAuthenticator(verifier: verifier))
        graphQL.addRoutes(to: router)
    }
}
