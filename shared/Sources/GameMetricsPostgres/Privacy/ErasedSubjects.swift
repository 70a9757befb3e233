import Crypto
import Foundation
import GameMetricsKit
import Logging
import PostgresNIO

/// The record of erased players that every consumer of player data checks, so that an erased
/// player stays erased: events ingested before the erasure completed are never stored,
/// published or sent, however late they are consumed (a backlog, a consumer-group reset, a
/// restored archive); events ingested afterwards are a new relationship.
///
/// A subject is HMAC-SHA256 over `tenant NUL player` under `GM_ERASURE_SUBJECT_KEY` — never the
/// raw ids, so the record itself identifies no one without the key. Each participant keeps the
/// table in its own database (``migrationStatements``) and writes its row in the transaction that
/// deletes the player's data (``record(tenantID:playerID:on:logger:)``).
///
/// Ordering: the erasure's transaction takes the exclusive transaction-level advisory lock
/// ``lockKey`` before it writes; every write or publication of player data holds the same lock
/// shared (``holdShared(on:logger:)``) while it checks the record. So a store or publication
/// either finished before the erasure (whose delete and tombstone then come after it) or starts
/// after it and sees the record.
public struct ErasedSubjects: Sendable {
    /// `pg_advisory_*` key shared by every participant ("gmerase" in ASCII).
    public static let lockKey: Int64 = 0x67_6D_65_72_61_73_65

    /// The table, for a participant's migrations.
    public static let migrationStatements = [
        """
        CREATE TABLE erased_subjects (
            subject bytea PRIMARY KEY CHECK (octet_length(subject) = 32),
            erased_at timestamptz NOT NULL
        )
        """
    ]

    private let key: SymmetricKey

    /// `key` must be at least 32 bytes.
    public init(key: [UInt8]) throws {
        guard key.count >= 32 else {
            throw ConfigurationError(variable: "GM_ERASURE_SUBJECT_KEY", problem: "holds \(key.count) bytes; at least 32 are needed")
        }
        self.key = SymmetricKey(data: key)
    }

    /// From `GM_ERASURE_SUBJECT_KEY` (base64 of at least 32 random bytes; the same for every
    /// participant of the platform).
    public init(environment: EnvironmentReader) throws {
        let text = try environment.requiredSecret("GM_ERASURE_SUBJECT_KEY")
        guard let bytes = Data(base64Encoded: text) else {
            throw ConfigurationError(variable: "GM_ERASURE_SUBJECT_KEY", problem: "is not base64 (of at least 32 random bytes)")
        }
        try self.init(key: Array(bytes))
    }

    /// The keyed hash that stands for the player in the record (32 bytes). Ids cannot contain
    /// U+0000 (the validator refuses it), so the separator keeps every pair distinct.
    public func subject(tenantID: String, playerID: String) -> [UInt8] {
        var message = Array(tenantID.utf8)
        message.append(0)
        message.append(contentsOf: playerID.utf8)
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    /// Records the erasure inside the caller's transaction, after taking the exclusive lock
    /// (which waits for every store and publication in flight); returns the erasure's time.
    /// Repeating it moves the time forward: everything ingested until then stays erased.
    @discardableResult
    public func record(tenantID: String, playerID: String, on connection: PostgresConnection, logger: Logger) async throws -> Date {
        _ = try await connection.answeredStatement("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
        let subject = ByteBuffer(bytes: subject(tenantID: tenantID, playerID: playerID))
        let rows = try await connection.answeredStatement(
            """
            INSERT INTO erased_subjects AS e (subject, erased_at) VALUES (\(subject), clock_timestamp())
            ON CONFLICT (subject) DO UPDATE SET erased_at = greatest(e.erased_at, excluded.erased_at)
            RETURNING erased_at
            """, logger: logger)
        guard let erasedAt = try rows.first?.decode(Date.self) else { throw MissingRow() }
        return erasedAt
    }

    /// Takes the lock shared until the caller's transaction ends: writes of player data.
    public static func holdShared(on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.answeredStatement("SELECT pg_advisory_xact_lock_shared(\(lockKey))", logger: logger)
    }

    /// Runs `work` holding the lock shared on a connection of its own (for publications, which
    /// are no transaction), after telling it which of `subjects` are erased.
    public static func withSharedLock<T: Sendable>(
        client: PostgresClient, subjects: [[UInt8]], logger: Logger, _ work: @Sendable (Set<[UInt8]>) async throws -> T
    ) async throws -> T {
        try await client.withTransactionEndingWithConnection(logger: logger) { connection in
            try await holdShared(on: connection, logger: logger)
            var erased = Set<[UInt8]>()
            if !subjects.isEmpty {
                let rows = try await connection.answeredStatement(
                    "SELECT subject FROM erased_subjects WHERE subject = ANY(\(subjects.map { ByteBuffer(bytes: $0) }))", logger: logger)
                for row in rows {
                    erased.insert(Array(try row.decode(ByteBuffer.self).readableBytesView))
                }
            }
            return try await work(erased)
        }
    }

    struct MissingRow: Error {}
}
