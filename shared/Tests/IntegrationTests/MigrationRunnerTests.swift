import GameMetricsPostgres
import GameMetricsService
import Logging
import PostgresNIO
import Testing

/// The runner against a real PostgreSQL (`make test` starts it); each test owns a fresh database.
@Suite("Migration runner")
struct MigrationRunnerTests {
    static let v1 = Migration(
        version: 1, name: "create_tenants",
        statements: [
            "CREATE TABLE tenants (id bigint PRIMARY KEY, name text NOT NULL)"
        ])
    static let v2 = Migration(
        version: 2, name: "create_players",
        statements: [
            "CREATE TABLE players (id bigint PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants (id))",
            "CREATE INDEX players_tenant ON players (tenant_id)",
        ])
    static let v3 = Migration(
        version: 3, name: "seed_default_tenant",
        statements: [
            "INSERT INTO tenants (id, name) VALUES (1, 'default')"
        ])
    static let all = [v1, v2, v3]

    let logger = Logger(label: "migration-tests")

    @Test("applies all migrations in order and records each with its checksum")
    func appliesAllInOrder() async throws {
        try await MigrationTestDatabase.with { database in
            try await database.withClient { client in
                let report = try await MigrationRunner(client: client, migrations: Self.all, logger: self.logger).migrate()
                #expect(report == MigrationReport(applied: [1, 2, 3], alreadyPresent: []))

                var rows: [(Int32, String, String, Int32)] = []
                for try await row in try await client.query(
                    "SELECT version, name, checksum, duration_ms FROM schema_migrations WHERE applied_at <= now() ORDER BY version"
                ).decode((Int32, String, String, Int32).self) {
                    rows.append(row)
                }
                #expect(rows.map(\.0) == [1, 2, 3])
                #expect(rows.map(\.1) == Self.all.map(\.name))
                #expect(rows.map(\.2) == Self.all.map(\.checksum))
                #expect(rows.allSatisfy { $0.3 >= 0 })
                #expect(try await database.exists("players_tenant", client))
                // V3 needs V1's table and V2 needs V1's for its foreign key: order was kept.
                for try await count in try await client.query("SELECT count(*) FROM tenants").decode(Int64.self) {
                    #expect(count == 1)
                }
            }
        }
    }

    @Test("a second run applies nothing, and a later run applies only what is new")
    func secondRunIsANoOp() async throws {
        try await MigrationTestDatabase.with { database in
            try await database.withClient { client in
                try await MigrationRunner(client: client, migrations: Self.all, logger: self.logger).migrate()
                let again = try await MigrationRunner(client: client, migrations: Self.all, logger: self.logger).migrate()
                #expect(again == MigrationReport(applied: [], alreadyPresent: [1, 2, 3]))
                #expect(try await database.recordedVersions(client) == [1, 2, 3])

                let v4 = Migration(version: 4, name: "add_tenant_region", statements: ["ALTER TABLE tenants ADD COLUMN region text"])
                let later = try await MigrationRunner(client: client, migrations: Self.all + [v4], logger: self.logger).migrate()
                #expect(later == MigrationReport(applied: [4], alreadyPresent: [1, 2, 3]))
            }
        }
    }

    @Test("a failing statement rolls its migration back completely and keeps the earlier ones")
    func failingStatementRollsBack() async throws {
        let broken = Migration(
            version: 2, name: "create_scores",
            statements: [
                "CREATE TABLE scores (player bigint PRIMARY KEY, points int NOT NULL)",
                "INSERT INTO scores VALUES (1, 10)",
                "UPDATE no_such_table SET x = 1",
            ])
        let v3 = Migration(version: 3, name: "create_badges", statements: ["CREATE TABLE badges (id bigint PRIMARY KEY)"])
        try await MigrationTestDatabase.with { database in
            try await database.withClient { client in
                let error = await #expect(throws: MigrationError.self) {
                    try await MigrationRunner(client: client, migrations: [Self.v1, broken, v3], logger: self.logger).migrate()
                }
                guard case .statementFailed(let version, let name, let index, let message) = error else {
                    Issue.record("expected statementFailed, got \(String(describing: error))")
                    return
                }
                #expect(version == 2 && name == "create_scores" && index == 2)
                #expect(message.contains("no_such_table") && message.contains("42P01"), "\(message)")
                #expect(error?.description.contains("version 2") == true)

                let recorded = try await database.recordedVersions(client)
                #expect(recorded == [1])
                let tables = (
                    tenants: try await database.exists("tenants", client),
                    scores: try await database.exists("scores", client),
                    badges: try await database.exists("badges", client)
                )
                #expect(tables.tenants && !tables.scores && !tables.badges, "\(tables)")
            }
            // A new replica (own pool, so it does not inherit the failed run's session) gets the
            // lock, which proves it was released, and applies the fixed migration and the rest.
            try await database.withClient { client in
                let fixed = Migration(version: 2, name: "create_scores", statements: Array(broken.statements.prefix(2)))
                let report = try await MigrationRunner(client: client, migrations: [Self.v1, fixed, v3], logger: self.logger).migrate()
                #expect(report == MigrationReport(applied: [2, 3], alreadyPresent: [1]))
            }
        }
    }

    @Test("an applied migration whose statements changed is refused")
    func changedChecksumIsRefused() async throws {
        try await MigrationTestDatabase.with { database in
            try await database.withClient { client in
                try await MigrationRunner(client: client, migrations: [Self.v1, Self.v2], logger: self.logger).migrate()
                let edited = Migration(
                    version: 2, name: "create_players",
                    statements: [
                        "CREATE TABLE players (id bigint PRIMARY KEY, tenant_id bigint NOT NULL)"
                    ])
                let error = await #expect(throws: MigrationError.self) {
                    try await MigrationRunner(client: client, migrations: [Self.v1, edited, Self.v3], logger: self.logger).migrate()
                }
                #expect(error == .checksumMismatch(version: 2, name: "create_players", recorded: Self.v2.checksum, expected: edited.checksum))
                // Refused before applying anything.
                #expect(try await database.recordedVersions(client) == [1, 2])
            }
        }
    }

    @Test("a renamed applied migration is refused")
    func renamedMigrationIsRefused() async throws {
        try await MigrationTestDatabase.with { database in
            try await database.withClient { client in
                try await MigrationRunner(client: client, migrations: [Self.v1], logger: self.logger).migrate()
                let renamed = Migration(version: 1, name: "create_tenant_table", statements: Self.v1.statements)
                await #expect(throws: MigrationError.nameMismatch(version: 1, recorded: "create_tenants", expected: "create_tenant_table")) {
                    try await MigrationRunner(client: client, migrations: [renamed], logger: self.logger).migrate()
                }
            }
        }
    }

    @Test("a version in the database that the code does not know is refused")
    func unknownNewerVersionIsRefused() async throws {
        try await MigrationTestDatabase.with { database in
            try await database.withClient { client in
                try await MigrationRunner(client: client, migrations: Self.all, logger: self.logger).migrate()
                let error = await #expect(throws: MigrationError.self) {
                    try await MigrationRunner(client: client, migrations: [Self.v1, Self.v2], logger: self.logger).migrate()
                }
                #expect(error == .unknownAppliedVersion(version: 3, name: "seed_default_tenant"))
                #expect(error?.description.contains("newer deployment") == true)
            }
        }
    }

    @Test("a pending migration older than an applied one is refused")
    func pendingBelowAppliedIsRefused() async throws {
        try await MigrationTestDatabase.with { database in
            try await database.withClient { client in
                try await MigrationRunner(client: client, migrations: [Self.v1, Self.v3], logger: self.logger).migrate()
                await #expect(throws: MigrationError.pendingBelowApplied(version: 2, highestApplied: 3)) {
                    try await MigrationRunner(client: client, migrations: Self.all, logger: self.logger).migrate()
                }
                let players = try await database.exists("players", client)
                #expect(!players)
            }
        }
    }

    @Test("two runners started together apply each migration exactly once")
    func concurrentRunnersApplyOnce() async throws {
        // No IF NOT EXISTS anywhere: a second application of any migration would fail loudly.
        let migrations = [
            Migration(
                version: 1, name: "create_log",
                statements: [
                    "CREATE TABLE applications (version int NOT NULL)",
                    "INSERT INTO applications VALUES (1)",
                    // Holds the lock long enough that the other replica surely arrives while it is held.
                    "SELECT pg_sleep(0.5)",
                ]),
            Migration(
                version: 2, name: "create_events",
                statements: [
                    "CREATE TABLE events (id bigint PRIMARY KEY)", "INSERT INTO applications VALUES (2)",
                ]),
            Migration(
                version: 3, name: "index_events",
                statements: [
                    "CREATE INDEX events_id ON events (id)", "INSERT INTO applications VALUES (3)",
                ]),
        ]
        let recorder = MigrationLogRecorder()
        try await MigrationTestDatabase.with { database in
            // Two pools are two replicas: separate sessions, like separate pods.
            let first = try database.client()
            let second = try database.client()
            let outcomes = await withTaskGroup(of: Result<MigrationReport, MigrationError>?.self) { group in
                // Cancelling stops the pools, so a runner stuck on a broken run cannot hang the test.
                defer { group.cancelAll() }
                group.addTask {
                    await first.run(); return nil
                }
                group.addTask {
                    await second.run(); return nil
                }
                for (client, label) in [(first, "first"), (second, "second")] {
                    group.addTask {
                        let runner = MigrationRunner(client: client, migrations: migrations, logger: recorder.logger(label: label))
                        do throws(MigrationError) { return .success(try await runner.migrate()) } catch { return .failure(error) }
                    }
                }
                var outcomes: [Result<MigrationReport, MigrationError>] = []
                while outcomes.count < 2, let outcome = await group.next() {
                    if let outcome { outcomes.append(outcome) }
                }
                return outcomes
            }
            let reports = try outcomes.map { try $0.get() }
            #expect(reports.count == 2)
            #expect(reports.map(\.applied).sorted { $0.count < $1.count } == [[], [1, 2, 3]])
            #expect(reports.map(\.alreadyPresent).sorted { $0.count < $1.count } == [[], [1, 2, 3]])
            #expect(recorder.recorded.contains { $0.contains("waiting") }, "the later runner should have waited for the lock")

            try await database.withClient { client in
                var applied: [Int32] = []
                for try await version in try await client.query("SELECT version FROM applications ORDER BY version").decode(Int32.self) {
                    applied.append(version)
                }
                #expect(applied == [1, 2, 3])
                #expect(try await database.recordedVersions(client) == [1, 2, 3])
            }
        }
    }

    @Test("duplicate versions in the code are refused before the database is touched")
    func duplicateVersionsRefusedUpFront() async throws {
        let duplicate = Migration(version: 1, name: "create_tenants_again", statements: ["CREATE TABLE other (id int)"])
        try await MigrationTestDatabase.with { database in
            try await database.withClient { client in
                await #expect(throws: MigrationError.duplicateVersion(version: 1, names: ["create_tenants", "create_tenants_again"])) {
                    try await MigrationRunner(client: client, migrations: [Self.v1, duplicate], logger: self.logger).migrate()
                }
                let bookkeeping = try await database.exists("schema_migrations", client)
                let tenants = try await database.exists("tenants", client)
                #expect(!bookkeeping && !tenants)
            }
        }
    }

    @Test("a custom bookkeeping table keeps an independent migration history")
    func customTable() async throws {
        try await MigrationTestDatabase.with { database in
            try await database.withClient { client in
                try await MigrationRunner(client: client, migrations: [Self.v1], logger: self.logger).migrate()
                let other = Migration(version: 1, name: "create_jobs", statements: ["CREATE TABLE jobs (id bigint)"])
                let report = try await MigrationRunner(client: client, migrations: [other], logger: self.logger, table: "jobs_schema_migrations").migrate()
                #expect(report == MigrationReport(applied: [1], alreadyPresent: []))
                #expect(try await database.recordedVersions(client) == [1])
                await #expect(throws: MigrationError.invalidTableName("x; DROP TABLE tenants")) {
                    try await MigrationRunner(client: client, migrations: [Self.v1], logger: self.logger, table: "x; DROP TABLE tenants").migrate()
                }
            }
        }
    }

    @Test("a migration's checksum equals PostgreSQL's sha256 of its statement")
    func checksumMatchesPostgres() async throws {
        let statement = "CREATE TABLE long_enough_to_span_several_sha256_blocks (id bigint PRIMARY KEY, label text NOT NULL DEFAULT 'é–✓', created_at timestamptz NOT NULL DEFAULT now())"
        try await MigrationTestDatabase.with { database in
            try await database.withClient { client in
                for try await hex in try await client.query("SELECT encode(sha256(convert_to(\(statement), 'UTF8')), 'hex')").decode(String.self) {
                    #expect(Migration(version: 1, name: "x", statements: [statement]).checksum == hex)
                }
            }
        }
    }
}
