import Foundation
import GameMetricsAudit
import GameMetricsErasure
import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPeers
import GameMetricsPostgres
import GameMetricsS3
import GameMetricsService
import Hummingbird
import Logging

/// Keeps the hot store small: archives raw events past each tenant's hot window to S3 (gzip
/// NDJSON with manifests), deletes them past the archive window, drops empty daily partitions,
/// restores archived days for investigation and erases players inside the archive (ADR 0036).
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .retention, environment: environment)
    let settings = try RetentionSettings(environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    let postgres = try clients.require(.postgres)
    let http = try clients.require(.http)
    let s3 = try clients.require(.s3(http: http))
    let producer = try clients.require(.kafkaProducer(for: settings.kafkaAccess))
    let subjects = try ErasedSubjects(environment: environment)
    let auditKeys = try AuditKeyring(environment: environment)
    let anchors = try AuditAnchorStore(environment: environment, chain: .retention)
    let metrics = RetentionMetrics()
    metrics.registerAll()

    let parts = RetentionParts(postgres: postgres, bucket: ArchiveBucket(client: s3.client, name: s3.name), subjects: subjects, auditKey: auditKeys.current, settings: settings, logger: logger)
    let migrations = MigrationRunner(client: postgres, migrations: RetentionMigrations.all, logger: logger, table: RetentionMigrations.table)
    let erasure = try ErasureParticipant(
        // No `subjects:` here: the eraser records the player itself, at the end of its rewrites.
        name: .retention, environment: environment, producer: producer, postgres: postgres, topic: settings.erasureTopic,
        groupID: settings.erasureGroup, prepare: { _ = try await migrations.migrate() }, logger: logger
    ) { request, connection in
        try await parts.eraser.erase(requestID: request.requestID, tenantID: request.tenantID, playerID: request.playerID, on: connection)
    }
    let scheduler = RetentionScheduler(
        schedule: settings.schedule, pass: parts.pass(metrics: metrics), leadership: SessionLockLeadership.retentionPass(postgres: postgres, logger: logger), metrics: metrics,
        logger: logger)
    let anchoring = AuditAnchorService(chain: .retention, postgres: postgres, keys: auditKeys, store: anchors, logger: logger)
    let monitor = RetentionStatusMonitor(postgres: postgres, metrics: metrics, interval: .seconds(30), logger: logger)

    // Callers' tokens, verified against the user service's keys (`GM_USER_URL`, `GM_AUTH_ISSUER`).
    let userServiceURL = try environment.requiredURL("GM_USER_URL", schemes: ["http", "https"])
    var issuer = userServiceURL.absoluteString
    while issuer.hasSuffix("/") { issuer.removeLast() }
    let verifier = JWKSAccessTokenVerifier(userServiceURL: userServiceURL, issuer: environment.string("GM_AUTH_ISSUER", default: issuer), http: http)
    let openAPI = try OpenAPIController(resource: Bundle.module.url(forResource: "openapi", withExtension: "json"))
    return ServiceApplication.build(
        configuration, checks: clients.checks + [erasure.progress.readinessCheck],
        services: clients.services + [erasure, scheduler, monitor, anchoring], logger: logger
    ) { router in
        openAPI.addRoutes(to: router)
        router.add(middleware: BearerAuthenticator(verifier: verifier))
        PolicyController(store: parts.policies, maxArchiveDays: settings.maxArchiveDays).addRoutes(to: router)
        RestoreController(restorer: parts.restorer, postgres: postgres, logger: logger).addRoutes(to: router)
    }
}
