import Foundation
import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPeers
import GameMetricsRedis
import GameMetricsService
import Hummingbird
import Logging

/// The front door for game clients: authenticates the writer, applies its tenant's rate,
/// validates player events and writes them durably to Kafka (`player.events.raw`, rejected ones
/// to `player.events.invalid`).
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    // Every request waits for its acknowledgement, so linger is latency added to each one;
    // 1 ms still batches well at high rates (many requests share each produce request).
    let environment = environment.withDefaults(["GM_KAFKA_LINGER_MS": "1"])
    let configuration = try ServiceConfiguration(service: .ingestion, environment: environment)
    let settings = try IngestionSettings(environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    // Only Kafka gates readiness: without Redis the limiter works per instance, and without the
    // user service cached credentials keep working, so neither outage should empty the fleet.
    let redis = try clients.require(.redis(gatesReadiness: false))
    let producer = try clients.require(.kafkaProducer(for: settings.kafkaAccess))
    let http = try clients.require(.http)
    // `GM_WRITE_KEY_MAC_SECRET[_FILE]` and `GM_WRITE_KEY_MAC_PREVIOUS_SECRET[_FILE]`, shared with
    // the user service; read again while running, so a rotation needs no restart (ADR 0026).
    let writeKeyMAC = try clients.require(.writeKeyMAC)
    let serviceTokens = ServiceTokenProvider(userServiceURL: settings.userServiceURL, credentials: settings.serviceCredentials, http: http)
    let events = EventController(
        settings: settings, writeKeyMAC: writeKeyMAC,
        directory: UserServiceDirectory(baseURL: settings.userServiceURL, tokens: serviceTokens, http: http),
        tokenVerifier: JWKSAccessTokenVerifier(userServiceURL: settings.userServiceURL, issuer: settings.issuer, http: http),
        ledger: RedisRateLimitLedger(redis: redis),
        publisher: KafkaEventPublisher(producer: producer),
        logger: logger)
    let openAPI = try OpenAPIController(resource: Bundle.module.url(forResource: "openapi", withExtension: "json"))
    return ServiceApplication.build(configuration, clients: clients, logger: logger) { router in
        openAPI.addRoutes(to: router)
        buildRouter(router, events: events)
    }
}

func buildRouter(_ router: Router<AppRequestContext>, events: EventController) {
    events.addRoutes(to: router)
}

extension EventController {
    /// Assembles the controller from its collaborators; tests pass in-memory ones.
    init(
        settings: IngestionSettings, writeKeyMAC: ReloadingSecret<WriteKeyMAC>, directory: any CredentialDirectory, tokenVerifier: any AccessTokenVerifier,
        ledger: (any RateLimitLedger)?, publisher: any EventPublisher, logger: Logger
    ) {
        self.init(
            authenticator: IngestionAuthenticator(
                directory: directory,
                writeKeyMAC: writeKeyMAC, acceptLegacyWriteKeys: settings.acceptLegacyWriteKeys,
                writeKeys: CredentialCache(
                    freshFor: settings.credentialCacheTime, usableFor: settings.credentialMaxStaleness,
                    negativeFor: settings.negativeCacheTime, capacity: settings.credentialCacheMaxKeys,
                    negativeCapacity: settings.negativeCacheMaxKeys),
                tenantLimits: CredentialCache(
                    freshFor: settings.credentialCacheTime, usableFor: settings.credentialMaxStaleness,
                    negativeFor: settings.negativeCacheTime, capacity: settings.credentialCacheMaxKeys,
                    negativeCapacity: settings.negativeCacheMaxKeys),
                failedLookups: FailedLookupLimiter(perSecond: settings.failedLookupsPerPeerPerSecond),
                trustedProxies: settings.trustedProxies,
                tokenVerifier: tokenVerifier, retryAfterSeconds: settings.unavailableRetryAfterSeconds, logger: logger),
            limiter: TenantRateLimiter(ledger: ledger, burstSeconds: settings.rateBurstSeconds, logger: logger),
            parser: EventBatchParser(),
            recent: RecentEventIDs(window: settings.dedupeWindow, capacity: settings.dedupeMaxIDs),
            publisher: publisher,
            topics: Topics(raw: settings.rawTopic, invalid: settings.invalidTopic),
            unavailableRetryAfterSeconds: settings.unavailableRetryAfterSeconds)
    }
}
