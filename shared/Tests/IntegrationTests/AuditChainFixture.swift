import Foundation
import GameMetricsAudit
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Logging
import PostgresNIO
import S3
import Testing

/// A throwaway database holding one audit chain made with ``AuditLog/migrationStatements(for:)``
/// (in a schema of its own, as no service's table), a fresh chain key, and a bucket of the test's
/// own on test.sh's S3 server reached with the audit anchor's credential.
struct AuditChainFixture: Sendable {
    static let chain = AuditChain(
        table: "audit_test.chain_log", lockKey: 0x0074_6573_7461_7564, metricsLabel: "integration-test", anchorPrefix: "test-chain/")

    let databaseURL: String
    let client: PostgresClient
    let logger: Logger
    let secret: String
    let keys: AuditKeyring
    let bucket: String
    let s3: S3Client
    let store: AuditAnchorStore

    var chain: AuditChain { Self.chain }
    var verifier: AuditVerifier { AuditVerifier(chain: chain, client: client, keys: keys, logger: logger) }
    var anchoring: AuditAnchorService { AuditAnchorService(chain: chain, postgres: client, keys: keys, store: store, logger: logger) }

    static func run(_ body: @Sendable (AuditChainFixture) async throws -> Void) async throws {
        let endpoint = try TestServers.value("GM_TEST_S3_ENDPOINT")
        let s3 = S3Client(
            configuration: S3Configuration(
                endpoint: endpoint, region: try TestServers.value("GM_TEST_S3_REGION"),
                accessKey: try TestServers.value("GM_TEST_S3_AUDIT_ACCESS_KEY"),
                secretKey: try TestServers.value("GM_TEST_S3_AUDIT_SECRET_KEY")))
        let bucket = "audit-chain-" + UUID().uuidString.lowercased().prefix(12)
        try await s3.createBucket(bucket)
        let secret = (0..<2).map { _ in UUID().uuidString }.joined()
        let keys = AuditKeyring(current: try AuditChainKey(secret: Array(secret.utf8)))
        let store = AuditAnchorStore(s3: s3, bucket: bucket, headKey: chain.anchorPrefix + "head.json", interval: .seconds(1))
        try await TestDatabase.withFresh { url in
            var logger = Logger(label: "audit-chain-tests")
            logger.logLevel = .warning
            try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: URL(string: url)!), logger: logger) { client in
                try await client.query("CREATE SCHEMA audit_test", logger: logger)
                for statement in AuditLog.migrationStatements(for: chain) {
                    try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await body(
                    AuditChainFixture(
                        databaseURL: url, client: client, logger: logger, secret: secret, keys: keys, bucket: bucket, s3: s3, store: store))
            }
        }
    }

    /// Appends `count` rows, each in a transaction of its own, as a service does.
    func append(_ count: Int, action: String = "test.event") async throws {
        for index in 0..<count {
            try await client.withTransactionEndingWithConnection(logger: logger) { connection in
                _ = try await AuditLog.append(
                    to: chain, on: connection, tenant: "platform", actor: "tester", action: action, subject: "item:\(index)",
                    payload: .object(["n": .number(String(index))]), key: keys.current, logger: logger)
            }
        }
    }

    /// One anchoring round as if run at `day` (`YYYY-MM-DD`) noon UTC, plus `minutes`.
    @discardableResult
    func anchor(on day: String, minutes: Int = 0) async throws -> AuditAnchorService.Outcome {
        let now = RFC3339Millis.date("\(day)T12:00:00Z")!.addingTimeInterval(Double(minutes) * 60)
        return try await anchoring.anchorOnce(now: { now })
    }

    func verify() async throws -> AuditVerification {
        try await verifier.verify(anchoredIn: store)
    }

    /// The digest objects in the bucket, by key.
    func digests() async throws -> [String: AuditStoredDigest] {
        var found: [String: AuditStoredDigest] = [:]
        for key in try await store.digestKeys() {
            found[key] = try await store.digest(at: key)
        }
        return found
    }

    /// What `audit-verify` of this chain answers (its exit status), with the anchor variables
    /// pointing at this fixture's bucket.
    func command() async throws -> Int32 {
        let environment = EnvironmentReader([
            "GM_PG_URL": databaseURL,
            "GM_AUDIT_HMAC_KEY": secret,
            "GM_AUDIT_ANCHOR_S3_ENDPOINT": try TestServers.value("GM_TEST_S3_ENDPOINT"),
            "GM_AUDIT_ANCHOR_S3_REGION": try TestServers.value("GM_TEST_S3_REGION"),
            "GM_AUDIT_ANCHOR_S3_ACCESS_KEY": try TestServers.value("GM_TEST_S3_AUDIT_ACCESS_KEY"),
            "GM_AUDIT_ANCHOR_S3_SECRET_KEY": try TestServers.value("GM_TEST_S3_AUDIT_SECRET_KEY"),
            "GM_AUDIT_ANCHOR_S3_BUCKET": bucket,
        ])
        return await AuditChainVerifyCommand.run(
            chain: chain, environment: environment, title: "test audit log", logLabel: "audit-chain-tests.verify")
    }

    /// Runs `sql` (statements separated by `;`) as the superuser of GM_TEST_PG_ADMIN_URL on this
    /// test's database: what a database owner who bypasses the trigger can do.
    func asSuperuser(_ sql: String) async throws {
        var admin = URLComponents(string: try TestServers.value("GM_TEST_PG_ADMIN_URL"))!
        admin.path = URLComponents(string: databaseURL)!.path
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: admin.url!), logger: logger) { client in
            try await client.withConnection { connection in
                for statement in sql.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !statement.isEmpty {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
        }
    }

    /// The `seq` of every row, in order.
    func seqs() async throws -> [Int64] {
        try await client.query("SELECT seq FROM \(unescaped: chain.table) ORDER BY seq", logger: logger).collect().map {
            try $0.decode(Int64.self)
        }
    }
}
