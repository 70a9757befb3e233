import Foundation
import GameMetricsKit
import GameMetricsPostgres
import Logging
import PostgresNIO

/// Loads a tenant's archived day into `restored_events` under a new restore id: every object of
/// the day, each checked against the catalogue's SHA-256, rows inserted exactly as archived
/// (PostgreSQL parses the lines it wrote), less the rows of players erased since — a restore
/// never brings an erased player back (ADR 0014). Restores expire after `keepDays`.
struct Restorer: Sendable {
    /// Lines per INSERT.
    static let batchLines = 2_000

    let postgres: PostgresClient
    let catalogue: ArchiveCatalogue
    let subjects: ErasedSubjects
    let audit: RetentionAudit
    let keepDays: Int
    let logger: Logger

    struct NothingArchived: Error {}

    static let summaryColumns = """
        restore_id, tenant_id, day::text, objects, rows, requested_by, \
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), \
        to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        """

    func restore(tenantID: String, day: ArchiveDay, requestedBy: String) async throws -> RestoreSummary {
        let restoreID = UUID()
        return try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            // The day's objects do not change while they are read (a rewrite, an expiry).
            try await catalogue.lockTenant(tenantID, on: connection)
            let parts = try await catalogue.parts(tenantID: tenantID, day: day, on: connection)
            guard !parts.isEmpty else { throw NothingArchived() }
            _ = try await connection.answeredStatement(
                """
                INSERT INTO restores (restore_id, tenant_id, day, requested_by, expires_at, objects, rows)
                VALUES (\(restoreID), \(tenantID), \(day.description)::date, \(requestedBy), now() + \(keepDays) * interval '1 day', \(parts.count), 0)
                """, logger: logger)
            for part in parts {
                let lines = try ArchiveObject.lines(of: try await catalogue.bucket.getVerified(key: part.key, sha256: part.sha256))
                var start = 0
                while start < lines.count {
                    let batch = lines[start..<min(start + Self.batchLines, lines.count)]
                    start += batch.count
                    try await insert(batch, restoreID: restoreID, tenantID: tenantID, on: connection)
                }
            }
            try await removeErased(restoreID: restoreID, tenantID: tenantID, on: connection)
            let rows = try await connection.answeredStatement(
                """
                UPDATE restores SET rows = (SELECT count(*) FROM restored_events WHERE restore_id = \(restoreID))
                 WHERE restore_id = \(restoreID)
                RETURNING \(unescaped: Self.summaryColumns)
                """, logger: logger)
            guard let row = rows.first else { throw NothingArchived() }
            let summary = try Self.summary(row)
            try await audit.record(
                .restored, tenantID: tenantID, subject: restoreID.uuidString.lowercased(), actor: requestedBy,
                payload: ["day": .string(day.description), "objects": .int(summary.objects), "rows": .int(summary.rows)], on: connection)
            return summary
        }
    }

    static func summary(_ row: PostgresRow) throws -> RestoreSummary {
        let (id, tenant, day, objects, count, by, created, expires) = try row.decode((UUID, String, String, Int, Int, String, String, String).self)
        return RestoreSummary(
            restoreID: id, tenantID: tenant, day: day, objects: objects, rows: count, requestedBy: by, createdAt: created, expiresAt: expires)
    }

    private func insert(_ lines: ArraySlice<String>, restoreID: UUID, tenantID: String, on connection: PostgresConnection) async throws {
        let array = "[" + lines.joined(separator: ",") + "]"
        _ = try await connection.answeredStatement(
            """
            INSERT INTO restored_events
            SELECT \(restoreID), r.* FROM json_populate_recordset(NULL::events_raw, \(array)::json) AS r
             WHERE r.tenant_id = \(tenantID)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Deletes the restored rows of players erased after those rows were ingested.
    private func removeErased(restoreID: UUID, tenantID: String, on connection: PostgresConnection) async throws {
        var players: [String] = []
        for row in try await connection.answeredStatement(
            "SELECT DISTINCT player_id FROM restored_events WHERE restore_id = \(restoreID)", logger: logger)
        {
            players.append(try row.decode(String.self))
        }
        guard !players.isEmpty else { return }
        let subjectsByPlayer = players.map { ByteBuffer(bytes: subjects.subject(tenantID: tenantID, playerID: $0)) }
        _ = try await connection.answeredStatement(
            """
            DELETE FROM restored_events r
             USING unnest(\(players)::text[], \(subjectsByPlayer)::bytea[]) AS p(player_id, subject)
                   JOIN erased_subjects e ON e.subject = p.subject
             WHERE r.restore_id = \(restoreID) AND r.player_id = p.player_id
               AND coalesce(r.ingested_at, '-infinity') <= e.erased_at
            """, logger: logger)
    }
}
