import Foundation
import GameMetricsAudit
import GameMetricsAuth
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import S3
import Testing

@testable import UserService

@Suite("audit log: a keyed chain whose head is anchored in S3 under its own credential")
struct AuditAnchorTests {
    /// The user service's audit settings for a test: a fresh key, a bucket of the test's own on
    /// test.sh's S3 server, reached with the audit credential, anchoring every second.
    struct AuditSetup {
        let bucket: String
        let key: String
        let s3: S3Client

        static func make(key: String = OpaqueToken.generate(bytes: 32)) async throws -> AuditSetup {
            let s3 = S3Client(
                configuration: S3Configuration(
                    endpoint: try TestServers.value("GM_TEST_S3_ENDPOINT"),
                    region: try TestServers.value("GM_TEST_S3_REGION"),
                    accessKey: try TestServers.value("GM_TEST_S3_AUDIT_ACCESS_KEY"),
                    secretKey: try TestServers.value("GM_TEST_S3_AUDIT_SECRET_KEY")))
            let bucket = "audit-" + UUID().uuidString.lowercased().prefix(12)
            try await s3.createBucket(bucket)
            return AuditSetup(bucket: bucket, key: key, s3: s3)
        }

        var environment: [String: String] {
            get throws {
                [
                    "GM_AUDIT_HMAC_KEY": key,
                    "GM_AUDIT_ANCHOR_S3_ENDPOINT": try TestServers.value("GM_TEST_S3_ENDPOINT"),
                    "GM_AUDIT_ANCHOR_S3_REGION": try TestServers.value("GM_TEST_S3_REGION"),
                    "GM_AUDIT_ANCHOR_S3_ACCESS_KEY": try TestServers.value("GM_TEST_S3_AUDIT_ACCESS_KEY"),
                    "GM_AUDIT_ANCHOR_S3_SECRET_KEY": try TestServers.value("GM_TEST_S3_AUDIT_SECRET_KEY"),
                    "GM_AUDIT_ANCHOR_S3_BUCKET": bucket,
                    "GM_AUDIT_ANCHOR_INTERVAL_SECONDS": "1",
                    // Kafka does not answer here: each erasure request is refused quickly, and
                    // audited twice (requested, publish_failed).
                    "GM_KAFKA_MESSAGE_TIMEOUT_MS": "500",
                ]
            }
        }

        /// Anchors the head of the chain `client` reaches now, as the service does every interval.
        func anchorNow(client: PostgresClient, logger: Logger) async throws -> AuditAnchorService.Outcome {
            let environment = EnvironmentReader(try self.environment)
            return try await AuditAnchorService(
                chain: .user, postgres: client, keys: try AuditKeyring(environment: environment), store: try AuditAnchorStore(environment: environment, chain: .user),
                logger: logger
            ).anchorOnce()
        }

        /// The anchored head's `seq` (the service's default head object), or nil while none has been written.
        func anchoredSeq() async throws -> Int64? {
            let body: [UInt8]
            do {
                body = try await s3.getObject(bucket: bucket, key: "audit-log/head.json")
            } catch .noSuchKey {
                return nil
            }
            let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            return (json?["seq"] as? NSNumber)?.int64Value
        }
    }

    @Test("truncating the newest rows is detected against the anchor in S3")
    func truncationIsDetected() async throws {
        let audit = try await AuditSetup.make()
        try await UserServiceFixture.run(environment: try audit.environment) { fixture, client in
            let admin = try await client.accessToken(fixture.tenantA)
            for player in ["p-1", "p-2"] {
                let (status, _) = try await client.call(.post, "/v1/privacy/erasure", token: admin, json: #"{"player_id":"\#(player)"}"#)
                #expect(status == .serviceUnavailable)
            }
            let head = try await Self.headSeq(fixture.databaseURL)
            #expect(head == 4)
            let anchored = await Self.within(.seconds(20)) { try await audit.anchoredSeq() == head }

            let environment = EnvironmentReader(["GM_PG_URL": fixture.databaseURL].merging(try audit.environment) { $1 })
            #expect(await AuditVerifyCommand.run(environment: environment) == 0)

            // The database owner removes the newest row: the chain itself still links up.
            try await Self.asSuperuser(fixture.databaseURL, "ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log WHERE seq = \(head)")
            #expect(await AuditVerifyCommand.run(environment: environment) == 1)
            #expect(anchored, "the head was anchored in S3")
            // The anchor is not moved back to the truncated head.
            try await Task.sleep(for: .seconds(2))
            #expect(try await audit.anchoredSeq() == head)
        }
    }

    @Test("a row rewritten by the database owner, with every later hash recomputed, is detected")
    func rewriteWithRecomputedHashesIsDetected() async throws {
        let audit = try await AuditSetup.make()
        try await UserServiceFixture.run(environment: try audit.environment) { fixture, client in
            let admin = try await client.accessToken(fixture.tenantA)
            for player in ["p-1", "p-2"] {
                _ = try await client.call(.post, "/v1/privacy/erasure", token: admin, json: #"{"player_id":"\#(player)"}"#)
            }
            let environment = EnvironmentReader(["GM_PG_URL": fixture.databaseURL].merging(try audit.environment) { $1 })
            let anchored = await Self.within(.seconds(20)) { try await audit.anchoredSeq() == 4 }
            #expect(await AuditVerifyCommand.run(environment: environment) == 0)

            // The owner knows the algorithm (it is in the code): change row 2's actor and chain
            // every row again from there.
            try await Self.rechainAsOwner(fixture.databaseURL, changingActorOf: 2)
            #expect(await AuditVerifyCommand.run(environment: environment) == 1)
            #expect(anchored, "the head was anchored in S3")
        }
    }

    @Test("rows from before keying verify unkeyed and chain into keyed rows; an unkeyed row after them, or another key, is refused")
    func legacyRowsAndKeys() async throws {
        try await PrivacyFixture.run { fixture in
            let keys = PrivacyFixture.auditKeys
            // Two rows as the unkeyed version wrote them (no key_id, SHA-256).
            var previous = AuditLog.genesisHash
            for index in 0..<2 {
                let predecessor = previous
                previous = try await fixture.scope.run(tenant: "tenant-a") { connection in
                    try await connection.query("SELECT set_config('gm.audit_chain', 'on', true)", logger: fixture.logger)
                    let seq = try await connection.query(
                        "SELECT nextval(pg_get_serial_sequence('audit_log', 'seq'))", logger: fixture.logger
                    ).collect()[0].decode(Int64.self)
                    let atMicros = Int64(Date().timeIntervalSince1970 * 1_000_000)
                    let hash = AuditLog.legacyHash(
                        previous: predecessor,
                        canonical: AuditLog.canonical(
                            seq: seq, tenantID: "tenant-a", actor: "old", action: "test.legacy", subject: "player:p\(index)",
                            payload: "{}", atMicros: atMicros))
                    try await connection.query(
                        """
                        INSERT INTO audit_log (seq, prev_hash, hash, actor, action, subject, tenant_id, payload, at)
                        VALUES (\(seq), \(predecessor), \(hash), 'old', 'test.legacy', \("player:p\(index)"), 'tenant-a', '{}'::jsonb,
                                timestamptz 'epoch' + (\(atMicros)::text || ' microseconds')::interval)
                        """, logger: fixture.logger)
                    return hash
                }
            }
            for index in 0..<2 {
                try await fixture.scope.run(tenant: "tenant-a") { connection in
                    _ = try await AuditLog.append(
                        to: .user, on: connection, tenant: "tenant-a", actor: "new", action: "test.keyed", subject: "player:k\(index)",
                        payload: .object([:]), key: keys.current, logger: fixture.logger)
                }
            }
            let seqs = try await Self.withSuperuser(fixture.databaseURL) { connection, logger in
                try await connection.query("SELECT seq FROM audit_log ORDER BY seq", logger: logger).collect().map { try $0.decode(Int64.self) }
            }
            guard case .intact(4, seqs[3], _) = try await fixture.verifier.verify() else {
                Issue.record("legacy rows followed by keyed rows did not verify")
                return
            }
            // The first keyed row chains onto the last unkeyed one.
            let links = try await Self.withSuperuser(fixture.databaseURL) { connection, logger in
                try await connection.query("SELECT prev_hash FROM audit_log WHERE seq = \(seqs[2])", logger: logger).collect().map { try $0.decode(String.self) }
            }
            #expect(links == [previous])

            // Another key does not verify the keyed rows.
            let other = AuditKeyring(current: try AuditChainKey(secret: Array(OpaqueToken.generate(bytes: 32).utf8)))
            guard case .broken(let seq, let reason) = try await AuditVerifier(chain: .user, client: fixture.client, keys: other, logger: fixture.logger).verify()
            else {
                Issue.record("keyed rows verified under another key")
                return
            }
            #expect(seq == seqs[2])
            #expect(reason.contains("not configured"))

            // The owner turns the newest row into an unkeyed one with a correct SHA-256 chain: refused.
            try await Self.withSuperuser(fixture.databaseURL) { connection, logger in
                try await connection.query("SET session_replication_role = replica", logger: logger)
                let rows = try await connection.query(
                    "SELECT \(unescaped: AuditLog.selectColumns) FROM audit_log WHERE seq = \(seqs[3])", logger: logger)
                for try await (seq, prevHash, _, actor, action, subject, tenant, payload, atMicros, _) in rows.decode(AuditLog.Row.self) {
                    let hash = AuditLog.legacyHash(
                        previous: prevHash,
                        canonical: AuditLog.canonical(
                            seq: seq, tenantID: tenant, actor: actor, action: action, subject: subject, payload: payload, atMicros: atMicros))
                    try await connection.query(
                        "UPDATE audit_log SET key_id = NULL, hash = \(hash) WHERE seq = \(seq)", logger: logger)
                }
            }
            let result = try await fixture.verifier.verify()
            #expect(result == .broken(seq: seqs[3], reason: "an unkeyed row after keyed rows (rows were rewritten by someone without the key)"))
        }
    }

    @Test("a second chain made with the migration helper beside audit_log anchors and verifies independently of the user's")
    func secondChainVerifiesIndependently() async throws {
        try await PrivacyFixture.run { fixture in
            let logger = fixture.logger
            let other = AuditChain(
                table: "scratch.retention_audit_log", lockKey: 0x0073_6372_6174_6368, metricsLabel: "scratch", anchorPrefix: "scratch-audit/")
            try await fixture.client.query("CREATE SCHEMA scratch", logger: logger)
            for statement in AuditLog.migrationStatements(for: other) {
                try await fixture.client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            // The same columns as the user's table, without its tenant row-level security.
            #expect(try await Self.columns(fixture, "public", "audit_log") == Self.columns(fixture, "scratch", "retention_audit_log"))
            let rowSecurity = try await fixture.client.query(
                "SELECT relname, relrowsecurity FROM pg_class WHERE relname IN ('audit_log', 'retention_audit_log') ORDER BY relname",
                logger: logger
            ).collect().map { try $0.decode((String, Bool).self) }
            #expect(rowSecurity.map(\.0) == ["audit_log", "retention_audit_log"] && rowSecurity.map(\.1) == [true, false])

            let key = PrivacyFixture.auditKeys.current
            for index in 0..<2 {
                try await fixture.scope.run(tenant: "tenant-a") { connection in
                    _ = try await AuditLog.append(
                        to: .user, on: connection, tenant: "tenant-a", actor: "tester", action: "test.user", subject: "player:p\(index)",
                        payload: .object([:]), key: key, logger: logger)
                }
            }
            for index in 0..<3 {
                try await fixture.client.withTransactionEndingWithConnection(logger: logger) { connection in
                    _ = try await AuditLog.append(
                        to: other, on: connection, tenant: "platform", actor: "retention", action: "test.purge", subject: "table:t\(index)",
                        payload: .object([:]), key: key, logger: logger)
                }
            }

            // One bucket, one credential, each chain under its own prefix.
            let audit = try await AuditSetup.make(key: PlatformContract.auditLog["GM_AUDIT_HMAC_KEY"]!)
            let environment = EnvironmentReader(["GM_PG_URL": fixture.databaseURL].merging(try audit.environment) { $1 })
            let keys = PrivacyFixture.auditKeys
            let userStore = try AuditAnchorStore(environment: environment, chain: .user)
            let otherStore = try AuditAnchorStore(environment: environment, chain: other)
            #expect(try await audit.anchorNow(client: fixture.client, logger: logger) == .anchored(seq: try await Self.seqs(fixture).last!))
            #expect(
                try await AuditAnchorService(chain: other, postgres: fixture.client, keys: keys, store: otherStore, logger: logger).anchorOnce()
                    == .anchored(seq: 3))
            let today = AuditDigest.day(of: Date()).replacingOccurrences(of: "-", with: "/")
            #expect(try await userStore.digestKeys() == ["audit-log/digests/\(today).json"])
            #expect(try await otherStore.digestKeys() == ["scratch-audit/digests/\(today).json"])

            let userVerifier = AuditVerifier(chain: .user, client: fixture.client, keys: keys, logger: logger)
            let otherVerifier = AuditVerifier(chain: other, client: fixture.client, keys: keys, logger: logger)
            #expect(try await userVerifier.verify(anchoredIn: userStore).problems == [])
            #expect(try await otherVerifier.verify(anchoredIn: otherStore).digestsVerified == 1)
            #expect(await AuditVerifyCommand.run(environment: environment) == 0)

            // Breaking the user's chain leaves the other one intact, and the other way round.
            try await fixture.asSuperuser("SET session_replication_role = replica; UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
            #expect(try await userVerifier.verify(anchoredIn: userStore).problems.map(\.description).first?.hasPrefix("broken at seq 1") == true)
            #expect(await AuditVerifyCommand.run(environment: environment) == 1)
            let intact = try await otherVerifier.verify(anchoredIn: otherStore)
            #expect(intact.problems == [] && intact.rows == .intact(rows: 3, lastSeq: 3, lastHash: intact.anchor?.hash ?? ""))
            try await fixture.asSuperuser("SET session_replication_role = replica; DELETE FROM scratch.retention_audit_log WHERE seq = 3")
            #expect(try await otherVerifier.verify(anchoredIn: otherStore).isIntact == false)
        }
    }

    // MARK: helpers

    /// Name, type and nullability of each column, in order.
    static func columns(_ fixture: PrivacyFixture, _ schema: String, _ table: String) async throws -> [String] {
        try await fixture.client.query(
            """
            SELECT column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns
            WHERE table_schema = \(schema) AND table_name = \(table) ORDER BY ordinal_position
            """, logger: fixture.logger
        ).collect().map { try $0.decode(String.self) }
    }

    /// The `seq` of every row of the user's chain, in order.
    static func seqs(_ fixture: PrivacyFixture) async throws -> [Int64] {
        try await withSuperuser(fixture.databaseURL) { connection, logger in
            try await connection.query("SELECT seq FROM audit_log ORDER BY seq", logger: logger).collect().map { try $0.decode(Int64.self) }
        }
    }

    /// Whether `condition` held within `limit` (errors count as not yet).
    static func within(_ limit: Duration, _ condition: @Sendable () async throws -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    static func headSeq(_ databaseURL: String) async throws -> Int64 {
        try await withSuperuser(databaseURL) { connection, logger in
            for try await seq in try await connection.query("SELECT coalesce(max(seq), 0) FROM audit_log", logger: logger).decode(Int64.self) {
                return seq
            }
            return 0
        }
    }

    /// Rewrites the chain from `seq` on with the published unkeyed rule (SHA-256 over the
    /// previous hash and the canonical row), as someone with the database but not the key would.
    static func rechainAsOwner(_ databaseURL: String, changingActorOf target: Int64) async throws {
        try await withSuperuser(databaseURL) { connection, logger in
            try await connection.query("SET session_replication_role = replica", logger: logger)
            let rows = try await connection.query(
                "SELECT \(unescaped: AuditLog.selectColumns) FROM audit_log ORDER BY seq", logger: logger)
            var all: [AuditLog.Row] = []
            for try await row in rows.decode(AuditLog.Row.self) { all.append(row) }
            var previous = AuditLog.genesisHash
            for (seq, prevHash, hash, actor, action, subject, tenant, payload, atMicros, _) in all {
                guard seq >= target else {
                    previous = hash
                    continue
                }
                let newActor = seq == target ? "mallory" : actor
                let canonical = AuditLog.canonical(
                    seq: seq, tenantID: tenant, actor: newActor, action: action, subject: subject, payload: payload, atMicros: atMicros)
                let newHash = OpaqueToken.fingerprint(previous + canonical)
                _ = prevHash
                try await connection.query(
                    """
                    UPDATE audit_log SET actor = \(newActor), prev_hash = \(previous), hash = \(newHash) WHERE seq = \(seq)
                    """, logger: logger)
                previous = newHash
            }
        }
    }

    static func asSuperuser(_ databaseURL: String, _ sql: String) async throws {
        try await withSuperuser(databaseURL) { connection, logger in
            for statement in sql.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !statement.isEmpty {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    static func withSuperuser<T: Sendable>(
        _ databaseURL: String, _ work: @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        var admin = URLComponents(string: try TestServers.value("GM_TEST_PG_ADMIN_URL"))!
        admin.path = URLComponents(string: databaseURL)!.path
        let logger = Logger(label: "audit-anchor-tests")
        return try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: admin.url!), logger: logger) { client in
            try await client.withConnection { try await work($0, logger) }
        }
    }
}
