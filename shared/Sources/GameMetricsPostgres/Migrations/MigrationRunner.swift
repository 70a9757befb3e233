import Logging
import PostgresNIO

/// Brings a database up to the code's list of ``Migration``s; every service runs it at start
/// (a start-up step of its application, ADR 0023). Running it again applies nothing.
///
/// One run, on one pooled connection:
/// 1. validates the list (before touching the database);
/// 2. takes a session advisory lock, so replicas starting together queue up instead of racing;
///    the lock and all work share the connection because session locks belong to it;
/// 3. creates the bookkeeping table if missing (under the lock: concurrent
///    `CREATE TABLE IF NOT EXISTS` can still fail on the catalog's unique index);
/// 4. compares the recorded migrations with the code and refuses on any disagreement;
/// 5. applies each pending migration in its own transaction together with its bookkeeping row;
/// 6. releases the lock, also after errors (or closes the connection, which releases it too).
public struct MigrationRunner: Sendable {
    /// Advisory-lock key shared by every service by default ("gmmigrat" in ASCII), so migrations of
    /// all services on one database are serialised. Advisory locks are per database.
    public static let defaultLockKey: Int64 = 0x676d_6d69_6772_6174

    public let migrations: [Migration]
    /// `schema_migrations`, or another (schema-qualified) name if several independent migration
    /// sets must share one database.
    public let table: String
    public let lockKey: Int64
    private let client: PostgresClient
    private let logger: Logger

    /// `client` must be running (its `run()` is a service of the application) by the time
    /// ``migrate()`` leases a connection; a lease waits until then.
    public init(
        client: PostgresClient,
        migrations: [Migration],
        logger: Logger,
        table: String = "schema_migrations",
        lockKey: Int64 = MigrationRunner.defaultLockKey
    ) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
        self.table = table
        self.lockKey = lockKey
    }

    /// Applies the pending migrations; see the type's documentation for the steps.
    @discardableResult
    public func migrate() async throws(MigrationError) -> MigrationReport {
        try Self.validate(migrations)
        try Self.validate(table: table)
        do {
            return try await client.withConnection { connection in
                try await self.migrate(on: connection)
            }
        } catch let error as MigrationError {
            throw error
        } catch {
            throw .talking(operation: "lease a connection", error)
        }
    }

    /// Checks the list alone: versions in 1...Int32.max, unique and strictly increasing; names and
    /// statements non-blank. Services can call it in a unit test without a database.
    public static func validate(_ migrations: [Migration]) throws(MigrationError) {
        var seen: [Int: String] = [:]
        var previous: Int?
        for migration in migrations {
            guard migration.version >= 1, migration.version <= Int(Int32.max) else {
                throw .invalidVersion(version: migration.version)
            }
            if let name = seen[migration.version] {
                throw .duplicateVersion(version: migration.version, names: [name, migration.name])
            }
            seen[migration.version] = migration.name
            if let previous, migration.version <= previous {
                throw .versionsNotIncreasing(previous: previous, version: migration.version)
            }
            previous = migration.version
            if migration.name.allSatisfy(\.isWhitespace) {
                throw .invalidMigration(version: migration.version, problem: "the name is empty")
            }
            if migration.statements.isEmpty {
                throw .invalidMigration(version: migration.version, problem: "it has no statements")
            }
            if let blank = migration.statements.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) {
                throw .invalidMigration(version: migration.version, problem: "statement \(blank) is empty")
            }
        }
    }

    /// The table name is spliced into SQL, so only plain lowercase identifiers are accepted.
    static func validate(table: String) throws(MigrationError) {
        let parts = table.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            (1...2).contains(parts.count)
            && parts.allSatisfy { part in
                guard let first = part.first, first == "_" || ("a"..."z").contains(first) else { return false }
                return part.count <= 63 && part.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
            }
        guard valid else { throw .invalidTableName(table) }
    }

    // MARK: - One run on one connection

    private func migrate(on connection: PostgresConnection) async throws(MigrationError) -> MigrationReport {
        try await lock(connection)
        let report: MigrationReport
        do {
            // Looked up first: a service's runtime role may read the table but not create
            // anything, and CREATE ... IF NOT EXISTS checks that privilege even when it exists.
            if try await !exists(table, on: connection) {
                try await execute("CREATE TABLE \(table) (version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), duration_ms int NOT NULL)", on: connection, operation: "create table \(table)")
            }
            let recorded = try await readRecorded(connection)
            let pending = try plan(recorded: recorded)
            var applied: [Int] = []
            for migration in pending {
                try await apply(migration, on: connection)
                applied.append(migration.version)
            }
            report = MigrationReport(applied: applied, alreadyPresent: recorded.map(\.version))
        } catch {
            await unlock(connection)
            throw error
        }
        await unlock(connection)
        logger.info(
            "database schema is up to date",
            metadata: [
                "migrations.applied": "\(report.applied.count)", "migrations.present": "\(report.alreadyPresent.count)",
                "migrations.version": "\(migrations.last?.version ?? 0)",
            ])
        return report
    }

    private struct Recorded {
        let version: Int
        let name: String
        let checksum: String
    }

    /// Which code migrations still need applying; throws on any disagreement with the records.
    private func plan(recorded: [Recorded]) throws(MigrationError) -> [Migration] {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for record in recorded {
            guard let migration = known[record.version] else {
                throw .unknownAppliedVersion(version: record.version, name: record.name)
            }
            guard migration.checksum == record.checksum else {
                throw .checksumMismatch(version: record.version, name: migration.name, recorded: record.checksum, expected: migration.checksum)
            }
            guard migration.name == record.name else {
                throw .nameMismatch(version: record.version, recorded: record.name, expected: migration.name)
            }
        }
        let present = Set(recorded.map(\.version))
        let pending = migrations.filter { !present.contains($0.version) }
        if let highest = recorded.last?.version, let first = pending.first, first.version < highest {
            throw .pendingBelowApplied(version: first.version, highestApplied: highest)
        }
        return pending
    }

    /// BEGIN; the statements; the bookkeeping row; COMMIT. Any failure rolls the whole migration back.
    private func apply(_ migration: Migration, on connection: PostgresConnection) async throws(MigrationError) {
        logger.info("applying migration", metadata: ["migration": "\(migration.identity)"])
        let started = ContinuousClock.now
        try await execute("BEGIN", on: connection, operation: "begin a transaction for \(migration.identity)")
        for (index, statement) in migration.statements.enumerated() {
            do {
                try await run(PostgresQuery(unsafeSQL: statement), on: connection)
            } catch {
                await rollback(connection)
                throw .statementFailed(version: migration.version, name: migration.name, statementIndex: index, message: MigrationError.message(of: error))
            }
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Int32(clamping: elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        var insert = PostgresQuery(unsafeSQL: "INSERT INTO \(table) (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)")
        insert.binds.append(Int32(migration.version))
        insert.binds.append(migration.name)
        insert.binds.append(migration.checksum)
        insert.binds.append(milliseconds)
        do {
            try await run(insert, on: connection)
        } catch {
            await rollback(connection)
            throw .commitFailed(version: migration.version, name: migration.name, message: MigrationError.message(of: error))
        }
        do {
            // A failed COMMIT (e.g. a deferred constraint) ends the transaction rolled back.
            try await run("COMMIT", on: connection)
        } catch {
            await rollback(connection)
            throw .commitFailed(version: migration.version, name: migration.name, message: MigrationError.message(of: error))
        }
        logger.info("applied migration", metadata: ["migration": "\(migration.identity)", "duration_ms": "\(milliseconds)"])
    }

    private func exists(_ table: String, on connection: PostgresConnection) async throws(MigrationError) -> Bool {
        do {
            let rows = try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL", logger: logger)
            var found = false
            for try await value in rows.decode(Bool.self) { found = value }
            return found
        } catch {
            throw .talking(operation: "look up \(table)", error)
        }
    }

    private func readRecorded(_ connection: PostgresConnection) async throws(MigrationError) -> [Recorded] {
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT version, name, checksum FROM \(table) ORDER BY version"), logger: logger)
            var recorded: [Recorded] = []
            for try await (version, name, checksum) in rows.decode((Int32, String, String).self) {
                recorded.append(Recorded(version: Int(version), name: name, checksum: checksum))
            }
            return recorded
        } catch {
            throw .talking(operation: "read \(table)", error)
        }
    }

    // MARK: - Lock

    /// Tries first so that a replica that has to wait says so in its log, then blocks. A holder
    /// that dies releases the lock with its session, so waiting cannot outlive a crashed peer.
    private func lock(_ connection: PostgresConnection) async throws(MigrationError) {
        do {
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(lockKey))", logger: logger)
            var acquired = false
            for try await (value) in rows.decode(Bool.self) { acquired = value }
            if !acquired {
                logger.info("another instance is migrating the database; waiting for it", metadata: ["lock.key": "\(lockKey)"])
                try await run("SELECT pg_advisory_lock(\(lockKey))", on: connection)
            }
        } catch {
            throw .talking(operation: "take the migration lock \(lockKey)", error)
        }
    }

    /// If the lock cannot be released the connection is closed: the server drops session locks
    /// with the session, and the pool must not hand out a connection that still holds it.
    private func unlock(_ connection: PostgresConnection) async {
        do {
            let rows = try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
            for try await (released) in rows.decode(Bool.self) where !released {
                logger.warning("the migration lock was not held at release", metadata: ["lock.key": "\(lockKey)"])
            }
        } catch {
            logger.warning("could not release the migration lock; closing the connection", metadata: ["error": "\(MigrationError.message(of: error))"])
            try? await connection.close()
        }
    }

    private func rollback(_ connection: PostgresConnection) async {
        do {
            try await run("ROLLBACK", on: connection)
        } catch {
            // unlock() will fail on this connection too and close it, which also rolls back.
            logger.warning("ROLLBACK failed", metadata: ["error": "\(MigrationError.message(of: error))"])
        }
    }

    // MARK: - Queries

    /// Runs `query` and drains its rows: an error PostgreSQL sends after the first rows only
    /// surfaces while reading them.
    private func run(_ query: PostgresQuery, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(query, logger: logger)
        for try await _ in rows {}
    }

    private func execute(_ sql: String, on connection: PostgresConnection, operation: String) async throws(MigrationError) {
        do {
            try await run(PostgresQuery(unsafeSQL: sql), on: connection)
        } catch {
            throw .talking(operation: operation, error)
        }
    }
}
