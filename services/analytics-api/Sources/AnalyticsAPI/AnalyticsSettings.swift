import Foundation
import GameMetricsErasure
import GameMetricsKit
import GameMetricsPeers

/// analytics-api's own configuration (the shared HTTP/PostgreSQL/Redis/Kafka variables are read
/// by `ServiceConfiguration` and `PlatformClients`). Every variable is in the service README.
struct AnalyticsSettings: Sendable {
    /// `GM_USER_URL`: the user service, which publishes the JWKS and keeps the audit log.
    var userServiceURL: URL
    /// `GM_AUTH_ISSUER`: the `iss` of access tokens (default: `GM_USER_URL`).
    var issuer: String
    /// `GM_ANALYTICS_API_CLIENT_ID` / `_SECRET`: this service's client at the user service, with
    /// the role `audit-writer` only: it records platform-admins' reads of other tenants.
    var serviceCredentials: ServiceTokenProvider.Credentials
    /// `GM_ANALYTICS_LIVE_CHANNEL_PREFIX` ("gm:live:"): the processor's `GM_PROCESSOR_LIVE_CHANNEL_PREFIX`.
    var liveChannelPrefix: String
    /// `GM_ANALYTICS_INVALID_TOPIC` / `GM_ANALYTICS_INVALID_GROUP`: the refused events it counts.
    var invalidTopic: String
    var invalidGroupID: String
    /// `GM_ANALYTICS_ERASURE_TOPIC` / `GM_ANALYTICS_ERASURE_GROUP`.
    var erasureTopic: String
    var erasureGroupID: String
    /// `GM_ANALYTICS_LAG_GROUP` / `GM_ANALYTICS_LAG_TOPIC`: whose consumer lag pipeline health shows.
    var lagGroupID: String
    var lagTopic: String
    var limits: QueryLimits
    /// `GM_ANALYTICS_MINUTE_GRAIN_DAYS` (30): how long the per-minute rows are kept, so how far
    /// back a time zone with a non-whole-hour offset can be answered.
    var minuteGrainDays: Int
    /// `GM_ANALYTICS_STATEMENT_TIMEOUT_MS` (5000): a query's statements are cancelled after this.
    var statementTimeout: Duration
    /// `GM_ANALYTICS_PERSISTED_QUERIES_PATH` (the bundled list) and `GM_ANALYTICS_PERSISTED_ONLY`
    /// (false): with it on, only operations on the list run (production).
    var persistedQueriesFile: String?
    var persistedOnly: Bool
    /// `GM_ANALYTICS_CACHE_TTL_MS` (60000, 0 turns the cache off): the longest a cached answer
    /// lives; its tenant's live deltas retire it sooner.
    var cacheTTL: Duration
    /// `GM_ANALYTICS_CACHE_RETIRE_MS` (1000, 0 retires on every delta): a tenant's live deltas
    /// retire its cached answers at most once per this interval (``CacheRetirement``).
    var cacheRetireInterval: Duration
    var webSocket: WebSocketSettings

    init(environment: EnvironmentReader) throws {
        let userService = try UserServiceAccess(environment: environment, client: "ANALYTICS_API")
        (userServiceURL, issuer, serviceCredentials) = (userService.url, userService.issuer, userService.credentials)
        liveChannelPrefix = environment.string("GM_ANALYTICS_LIVE_CHANNEL_PREFIX", default: "gm:live:")
        invalidTopic = environment.string("GM_ANALYTICS_INVALID_TOPIC", default: PlatformTopic.invalidEvents)
        invalidGroupID = environment.string("GM_ANALYTICS_INVALID_GROUP", default: "analytics-api-invalid")
        erasureTopic = environment.string("GM_ANALYTICS_ERASURE_TOPIC", default: ErasureMessage.topic)
        erasureGroupID = environment.string("GM_ANALYTICS_ERASURE_GROUP", default: ErasureParticipant.groupID(for: .analyticsAPI))
        lagGroupID = environment.string("GM_ANALYTICS_LAG_GROUP", default: "processor")
        lagTopic = environment.string("GM_ANALYTICS_LAG_TOPIC", default: PlatformTopic.rawEvents)
        limits = QueryLimits(
            maxDepth: try environment.int("GM_ANALYTICS_MAX_DEPTH", default: 8, in: 2...32),
            maxComplexity: try environment.int("GM_ANALYTICS_MAX_COMPLEXITY", default: 1_000, in: 10...100_000),
            maxRangeDays: try environment.int("GM_ANALYTICS_MAX_RANGE_DAYS", default: 400, in: 1...3_650),
            maxPoints: try environment.int("GM_ANALYTICS_MAX_POINTS", default: 5_000, in: 10...100_000),
            maxDocumentBytes: try environment.int("GM_ANALYTICS_MAX_DOCUMENT_BYTES", default: 16_384, in: 256...1_048_576))
        minuteGrainDays = try environment.int("GM_ANALYTICS_MINUTE_GRAIN_DAYS", default: 30, in: 1...3_650)
        statementTimeout = .milliseconds(try environment.int("GM_ANALYTICS_STATEMENT_TIMEOUT_MS", default: 5_000, in: 100...600_000))
        persistedQueriesFile = environment.optional("GM_ANALYTICS_PERSISTED_QUERIES_PATH")
        persistedOnly = try environment.bool("GM_ANALYTICS_PERSISTED_ONLY", default: false)
        cacheTTL = .milliseconds(try environment.int("GM_ANALYTICS_CACHE_TTL_MS", default: 60_000, in: 0...3_600_000))
        cacheRetireInterval = .milliseconds(try environment.int("GM_ANALYTICS_CACHE_RETIRE_MS", default: 1_000, in: 0...60_000))
        webSocket = try WebSocketSettings(environment: environment)
    }

    /// What it does with Kafka: counts the invalid topic, takes part in erasure, reads the
    /// processor's lag.
    var kafkaAccess: KafkaAccess {
        KafkaAccess(
            produces: [], consumes: [KafkaAccess.Consumption(topic: invalidTopic, group: invalidGroupID)],
            describes: [KafkaAccess.Consumption(topic: lagTopic, group: lagGroupID)]
        )
        .union(ErasureParticipant.kafkaAccess(topic: erasureTopic, groupID: erasureGroupID))
    }
}

/// The subscription endpoint's limits.
struct WebSocketSettings: Sendable {
    /// `GM_ANALYTICS_WS_INIT_TIMEOUT_MS` (10000): `connection_init` must come within this, or 4408.
    var initTimeout: Duration
    /// `GM_ANALYTICS_WS_PING_MS` (15000): WebSocket pings; a peer that does not answer is closed.
    var pingInterval: Duration
    /// `GM_ANALYTICS_WS_MAX_SUBSCRIPTIONS` (20): operations at once on one connection.
    var maxSubscriptions: Int
    /// `GM_ANALYTICS_WS_SEND_QUEUE` (64): messages waiting for a slow subscriber before it is dropped.
    var sendQueue: Int
    /// `GM_ANALYTICS_WS_MAX_CONNECTIONS_PER_TENANT` (2000): per instance, so one tenant cannot
    /// take every connection.
    var maxConnectionsPerTenant: Int
    /// `GM_ANALYTICS_WS_MAX_MESSAGE_BYTES` (65536): a larger client message closes the connection.
    var maxMessageBytes: Int

    init(environment: EnvironmentReader) throws {
        initTimeout = .milliseconds(try environment.int("GM_ANALYTICS_WS_INIT_TIMEOUT_MS", default: 10_000, in: 100...120_000))
        pingInterval = .milliseconds(try environment.int("GM_ANALYTICS_WS_PING_MS", default: 15_000, in: 1_000...300_000))
        maxSubscriptions = try environment.int("GM_ANALYTICS_WS_MAX_SUBSCRIPTIONS", default: 20, in: 1...1_000)
        sendQueue = try environment.int("GM_ANALYTICS_WS_SEND_QUEUE", default: 64, in: 1...100_000)
        maxConnectionsPerTenant = try environment.int("GM_ANALYTICS_WS_MAX_CONNECTIONS_PER_TENANT", default: 2_000, in: 1...1_000_000)
        maxMessageBytes = try environment.int("GM_ANALYTICS_WS_MAX_MESSAGE_BYTES", default: 65_536, in: 1_024...1_048_576)
    }
}
