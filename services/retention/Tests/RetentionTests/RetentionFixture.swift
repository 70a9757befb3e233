import Foundation
import GameMetricsAudit
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Logging
import PostgresNIO
import S3
import Testing

@testable import Retention

/// Retention's real surroundings on loopback: a fresh database with every service's schema and
/// db/roles.sql (retention connects as `gm_retention`), a bucket of the test's own in the test
/// S3 server, and raw events generated straight into `events_raw` as the owner.
struct RetentionFixture: Sendable {
    let ownerURL: String
    let serviceURL: String
    let bucketName: String
    let s3: S3Client
    /// The audit anchor's bucket, reached with the anchor's own credential.
    let anchorBucket: String
    let anchorS3: S3Client
    /// The user service (tokens, JWKS), when the test asked for it.
    let user: UserServiceProcess?
    let logger = Logger(label: "retention-fixture")

    static let subjectKey = Data(base64Encoded: PlatformContract.testErasureSubjectKey)!
    static let auditKey = "retention-test-audit-chain-key-0123456789"

    static func run(withUserService: Bool = false, _ body: @Sendable (RetentionFixture) async throws -> Void) async throws {
        let s3 = S3Client(
            configuration: S3Configuration(
                endpoint: try TestServers.value("GM_TEST_S3_ENDPOINT"), region: "us-east-1", accessKey: try TestServers.value("GM_TEST_S3_ACCESS_KEY"),
                secretKey: try TestServers.value("GM_TEST_S3_SECRET_KEY")))
        let bucketName = "gm-retention-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucketName)
        let anchorS3 = S3Client(
            configuration: S3Configuration(
                endpoint: try TestServers.value("GM_TEST_S3_ENDPOINT"), region: "us-east-1", accessKey: try TestServers.value("GM_TEST_S3_AUDIT_ACCESS_KEY"),
                secretKey: try TestServers.value("GM_TEST_S3_AUDIT_SECRET_KEY")))
        let anchorBucket = "gm-retention-audit-\(UUID().uuidString.prefix(8).lowercased())"
        try await anchorS3.createBucket(anchorBucket)
        try await TestDatabase.withFresh { ownerURL in
            var service = try #require(URLComponents(string: try TestServers.value("GM_TEST_PG_RETENTION_URL")))
            service.path = try #require(URLComponents(string: ownerURL)).path
            let serviceURL = try #require(service.string)
            guard withUserService else {
                try await PlatformSchemas.apply(ownerURL: ownerURL, logger: Logger(label: "retention-fixture"))
                return try await body(RetentionFixture(ownerURL: ownerURL, serviceURL: serviceURL, bucketName: bucketName, s3: s3, anchorBucket: anchorBucket, anchorS3: anchorS3, user: nil))
            }
            try await UserServiceProcess.run(databaseURL: ownerURL, environment: ["GM_KAFKA_BOOTSTRAP": try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP")]) { user in
                try await PlatformSchemas.apply(ownerURL: ownerURL, logger: Logger(label: "retention-fixture"))
                try await body(RetentionFixture(ownerURL: ownerURL, serviceURL: serviceURL, bucketName: bucketName, s3: s3, anchorBucket: anchorBucket, anchorS3: anchorS3, user: user))
            }
        }
    }

    /// The variables of the service and its commands: its own role, this test's bucket.
    func environment(_ extra: [String: String] = [:], s3Endpoint: String? = nil) throws -> [String: String] {
        [
            "GM_PG_URL": serviceURL, "GM_S3_ENDPOINT": try s3Endpoint ?? TestServers.value("GM_TEST_S3_ENDPOINT"),
            "GM_S3_ACCESS_KEY": try TestServers.value("GM_TEST_S3_ACCESS_KEY"), "GM_S3_SECRET_KEY": try TestServers.value("GM_TEST_S3_SECRET_KEY"),
            "GM_S3_BUCKET": bucketName, "GM_ERASURE_SUBJECT_KEY": PlatformContract.testErasureSubjectKey, "GM_LOG_LEVEL": "warning",
            "GM_AUDIT_HMAC_KEY": Self.auditKey, "GM_AUDIT_ANCHOR_S3_ENDPOINT": try TestServers.value("GM_TEST_S3_ENDPOINT"),
            "GM_AUDIT_ANCHOR_S3_ACCESS_KEY": try TestServers.value("GM_TEST_S3_AUDIT_ACCESS_KEY"),
            "GM_AUDIT_ANCHOR_S3_SECRET_KEY": try TestServers.value("GM_TEST_S3_AUDIT_SECRET_KEY"), "GM_AUDIT_ANCHOR_S3_BUCKET": anchorBucket,
        ].merging(extra) { $1 }
    }

    /// Retention's parts on a client of the service's role, as the service assembles them.
    func withParts<T: Sendable>(
        partRows: Int = 100_000, s3Endpoint: String? = nil, _ body: @Sendable (RetentionParts) async throws -> T
    ) async throws -> T {
        let settings = try RetentionSettings(environment: EnvironmentReader(try environment(["GM_RETENTION_PART_ROWS": String(partRows)])))
        let configuration = try PostgresClient.Configuration(url: try #require(URL(string: serviceURL)))
        return try await PostgresClient.withShortLivedClient(configuration, logger: logger) { postgres in
            let parts = RetentionParts(
                postgres: postgres, bucket: ArchiveBucket(client: try s3Endpoint.map(client(endpoint:)) ?? s3, name: bucketName), subjects: try ErasedSubjects(key: Array(Self.subjectKey)),
                auditKey: try AuditChainKey(secret: Array(Self.auditKey.utf8)), settings: settings, logger: logger)
            return try await body(parts)
        }
    }

    /// An S3 client of the archive's credential at another endpoint (a proxy in front of S3).
    func client(endpoint: String) throws -> S3Client {
        S3Client(
            configuration: S3Configuration(
                endpoint: endpoint, region: "us-east-1", accessKey: try TestServers.value("GM_TEST_S3_ACCESS_KEY"),
                secretKey: try TestServers.value("GM_TEST_S3_SECRET_KEY")))
    }

    func withOwner<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let configuration = try PostgresClient.Configuration(url: try #require(URL(string: ownerURL)))
        return try await PostgresClient.withShortLivedClient(configuration, logger: logger, body)
    }

    /// `count` events of `tenantID` spread over `day`, players `player-0` to `player-<players-1>`,
    /// with amounts, text that needs escaping and nulls; their ids also go into `event_ids` (the
    /// dedupe keys). Creates the day's partition where the partition function allows it.
    func generate(tenantID: String, day: ArchiveDay, count: Int, players: Int = 40, seed: Int = 0) async throws {
        try await withOwner { owner in
            let today = ArchiveDay(Date())
            if day >= today.adding(days: -31) {
                try await owner.query("SELECT ensure_events_raw_partition(\(day.description)::date)", logger: logger)
            }
            try await owner.query(
                """
                WITH generated AS (
                    INSERT INTO events_raw (tenant_id, event_id, player_id, type, occurred_at, game_id, amount_minor, currency,
                                            session_duration_ms, properties, ingested_at, kafka_partition, kafka_offset)
                    SELECT \(tenantID), gen_random_uuid(), 'player-' || ((i + \(seed)) % \(players)),
                           (ARRAY['bet', 'win', 'session_start', 'achievement_unlocked'])[1 + i % 4],
                           \(day.start)::timestamptz + (i * 86399.0 / \(count)) * interval '1 second' + (i % 997) * interval '1 microsecond',
                           CASE WHEN i % 5 = 0 THEN NULL ELSE 'game-' || (i % 7) END,
                           CASE WHEN i % 4 < 2 THEN (i * 137)::bigint * 1000003 END, CASE WHEN i % 4 < 2 THEN 'EUR' END,
                           CASE WHEN i % 4 = 2 THEN i * 1000 END,
                           jsonb_build_object('round', i, 'note', 'ünïcødé "quoted" \\ back', 'nested', jsonb_build_object('x', i % 3)),
                           \(day.start)::timestamptz + (i * 86399.0 / \(count)) * interval '1 second' + interval '2 seconds',
                           i % 3, \(seed) * 1000000 + i
                      FROM generate_series(1, \(count)) AS i
                    RETURNING tenant_id, event_id
                )
                INSERT INTO event_ids (tenant_id, event_id) SELECT tenant_id, event_id FROM generated
                """, logger: logger)
        }
    }

    /// The tenant's rows of `day` in `table` (events_raw or restored_events), as archive lines,
    /// in event order: what an exact restore must reproduce.
    func rows(_ table: String, tenantID: String, day: ArchiveDay, restoreID: UUID? = nil) async throws -> [String] {
        try await withOwner { owner in
            try await owner.withTransactionEndingWithConnection(logger: logger) { connection in
                _ = try await connection.answeredStatement("SELECT set_config('TimeZone', 'UTC', true)", logger: logger)
                let restoreFilter = restoreID.map { "AND restore_id = '\($0.uuidString)'" } ?? ""
                let rows = try await connection.answeredStatement(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT row_to_json(json_populate_record(NULL::events_raw, to_json(r)))::text
                              FROM \(table) AS r
                             WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 \(restoreFilter)
                             ORDER BY occurred_at, event_id
                            """, binds: try binds(tenantID, day.start, day.end)), logger: logger)
                return try rows.map { try $0.decode(String.self) }
            }
        }
    }

    func count(_ sql: String) async throws -> Int {
        try await withOwner { try await Self.count(sql, on: $0, logger: logger) }
    }

    /// As the test cluster's superuser, in this test's database (ending other roles' backends).
    func countAsSuperuser(_ sql: String) async throws -> Int {
        try await withSuperuser { try await Self.count(sql, on: $0, logger: logger) }
    }

    /// Runs `statements` in order on one connection as the superuser (`SET` applies to the rest).
    func runAsSuperuser(_ statements: [String]) async throws {
        try await withSuperuser { client in
            try await client.withConnection { connection in
                for statement in statements { _ = try await connection.answeredStatement(PostgresQuery(unsafeSQL: statement), logger: logger) }
            }
        }
    }

    private func withSuperuser<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        var url = try #require(URLComponents(string: try TestServers.value("GM_TEST_PG_ADMIN_URL")))
        url.path = try #require(URLComponents(string: ownerURL)).path
        let configuration = try PostgresClient.Configuration(url: try #require(url.url))
        return try await PostgresClient.withShortLivedClient(configuration, logger: logger, body)
    }

    private static func count(_ sql: String, on client: PostgresClient, logger: Logger) async throws -> Int {
        var value = 0
        for try await count in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { value = count }
        return value
    }

    /// Every line of every object under the tenant's prefix (manifests aside), by key.
    func archivedLines(tenantID: String) async throws -> [String: [String]] {
        var lines: [String: [String]] = [:]
        for object in try await s3.listObjects(bucket: bucketName, prefix: "\(tenantID)/") where !object.key.hasSuffix("manifest.json") {
            lines[object.key] = try ArchiveObject.lines(of: try await s3.getObject(bucket: bucketName, key: object.key))
        }
        return lines
    }

    func manifest(tenantID: String, day: ArchiveDay) async throws -> ArchiveManifest {
        try ArchiveManifest.decode(try await s3.getObject(bucket: bucketName, key: ArchiveBucket.manifestKey(tenantID: tenantID, day: day)))
    }

    func setPolicy(_ tenantID: String, hotDays: Int, archiveDays: Int) async throws {
        try await withParts { parts in
            _ = try await parts.policies.save(RetentionPolicy(hotDays: hotDays, archiveDays: archiveDays), tenantID: tenantID, by: "test")
        }
    }

    private func binds(_ tenantID: String, _ start: Date, _ end: Date) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(tenantID)
        bindings.append(start)
        bindings.append(end)
        return bindings
    }
}
