import Foundation
import GameMetricsKit
import Logging
import PostgresNIO

/// What one erasure participant has done per request, in its own table
/// (`erasure_ledger_<participant>`): erased (in the transaction that deleted the data) and
/// completed (once Kafka took the completion). It makes a redelivered request — the same record
/// again after a crash before the commit, a copy produced again, a consumer-group reset — erase
/// nothing more and publish no second completion. It holds request ids, never player ids.
struct ErasureLedger: Sendable {
    struct Entry: Sendable, Equatable {
        /// When the participant's transaction erased the data: the completion's `completed_at`.
        var erasedAt: Date
        var deleted: [String: Int]
        var completed: Bool
    }

    let client: PostgresClient
    let table: String
    let logger: Logger

    /// `erasure_ledger_<name>`, `-` as `_`. Names come from ``ErasureParticipantName`` only
    /// (lowercase letters, digits, `-`), so the table name is a fixed identifier.
    static func table(for participant: ErasureParticipantName) -> String {
        "erasure_ledger_" + participant.rawValue.replacingOccurrences(of: "-", with: "_")
    }

    static func migrationStatements(for participant: ErasureParticipantName) -> [String] {
        [
            """
            CREATE TABLE \(table(for: participant)) (
                request_id uuid PRIMARY KEY,
                erased_at timestamptz NOT NULL,
                deleted jsonb NOT NULL DEFAULT '{}'::jsonb,
                completed_at timestamptz
            )
            """
        ]
    }

    /// Runs `erase` once per request: in a transaction that first claims the request (a
    /// concurrent or later delivery waits for it, then finds it claimed) and records what was
    /// deleted. A request already erased returns its entry without erasing again.
    func eraseOnce(_ requestID: UUID, _ erase: @Sendable (PostgresConnection) async throws -> [String: Int]) async throws -> Entry {
        let table = table
        let logger = logger
        // Ends, instead of waiting for good, when a restart of the server closes the connection.
        let erased: Entry? = try await client.withTransactionEndingWithConnection(logger: logger) { connection in
            let claimed = try await connection.answeredStatement(
                """
                INSERT INTO \(unescaped: table) (request_id, erased_at) VALUES (\(requestID), clock_timestamp())
                ON CONFLICT (request_id) DO NOTHING RETURNING request_id
                """, logger: logger)
            guard !claimed.isEmpty else { return nil }
            let deleted = try await erase(connection)
            let counts = String(decoding: try JSONEncoder().encode(deleted), as: UTF8.self)
            let rows = try await connection.answeredStatement(
                """
                UPDATE \(unescaped: table) SET deleted = \(counts)::jsonb, erased_at = clock_timestamp()
                WHERE request_id = \(requestID) RETURNING erased_at
                """, logger: logger)
            guard let erasedAt = try rows.first?.decode(Date.self) else { throw MissingEntry(requestID: requestID) }
            return Entry(erasedAt: erasedAt, deleted: deleted, completed: false)
        }
        if let erased { return erased }
        return try await entry(requestID)
    }

    /// After Kafka took the completion.
    func markCompleted(_ requestID: UUID) async throws {
        try await client.query(
            "UPDATE \(unescaped: table) SET completed_at = clock_timestamp() WHERE request_id = \(requestID) AND completed_at IS NULL",
            logger: logger)
    }

    private func entry(_ requestID: UUID) async throws -> Entry {
        let rows = try await client.query(
            """
            SELECT erased_at, deleted::text, completed_at IS NOT NULL FROM \(unescaped: table) WHERE request_id = \(requestID)
            """, logger: logger
        ).collect()
        guard let (erasedAt, counts, completed) = try rows.first?.decode((Date, String, Bool).self) else {
            throw MissingEntry(requestID: requestID)
        }
        let deleted = try JSONDecoder().decode([String: Int].self, from: Data(counts.utf8))
        return Entry(erasedAt: erasedAt, deleted: deleted, completed: completed)
    }

    struct MissingEntry: Error, CustomStringConvertible {
        let requestID: UUID
        var description: String { "no ledger entry for erasure request \(requestID.uuidString.lowercased())" }
    }
}
