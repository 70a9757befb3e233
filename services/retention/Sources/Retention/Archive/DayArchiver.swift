import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// Moves one tenant's events of one day out of PostgreSQL: into S3 objects of at most
/// `partRows` rows, or — for a day past the whole policy — nowhere.
///
/// Each part is one transaction: it holds the erasure lock shared (``ErasedSubjects``) and the
/// tenant's archive lock, reads the oldest rows of the day, leaves out those of erased players,
/// uploads the object and verifies what S3 stored, then deletes exactly the rows it read,
/// catalogues the object and rewrites the day's manifest, and commits. A crash anywhere before the
/// commit leaves every row in PostgreSQL and at most an uploaded object no catalogue row lists,
/// which the next pass deletes before it archives the day again; after the commit every row is in
/// S3 only. So no row is lost or kept twice, whatever step is interrupted (ADR 0036).
struct DayArchiver: Sendable {
    struct Outcome: Sendable, Equatable {
        var rows = 0
        var bytes = 0
        var parts = 0
        /// Rows of erased players deleted without being archived.
        var erasedRows = 0
    }

    let postgres: PostgresClient
    let catalogue: ArchiveCatalogue
    let subjects: ErasedSubjects
    let audit: RetentionAudit
    let partRows: Int
    let logger: Logger

    func archive(tenantID: String, day: ArchiveDay) async throws -> Outcome {
        let kind: ArchivePart.Kind = try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            try await catalogue.lockTenant(tenantID, on: connection)
            _ = try await catalogue.removeOrphans(tenantID: tenantID, day: day, on: connection)
            // A day archived by an earlier pass gets its newcomers as late arrivals.
            return try await catalogue.parts(tenantID: tenantID, day: day, on: connection).isEmpty ? .events : .late
        }
        var outcome = Outcome()
        while !Task.isShuttingDownGracefully, let part = try await archivePart(tenantID: tenantID, day: day, kind: kind) {
            outcome.rows += part.rows
            outcome.bytes += part.bytes
            outcome.parts += part.parts
            outcome.erasedRows += part.erasedRows
        }
        return outcome
    }

    /// Deletes the day's events of the tenant without archiving them, `partRows` at a time.
    func expire(tenantID: String, day: ArchiveDay) async throws -> Int {
        var deleted = 0
        while true {
            let count = try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
                let rows = try await connection.answeredStatement(
                    """
                    DELETE FROM events_raw WHERE (tenant_id, event_id, occurred_at) IN (
                        SELECT tenant_id, event_id, occurred_at FROM events_raw
                         WHERE tenant_id = \(tenantID) AND occurred_at >= \(day.start) AND occurred_at < \(day.end)
                         LIMIT \(partRows))
                    RETURNING 1
                    """, logger: logger)
                if !rows.isEmpty {
                    try await audit.record(
                        .expired, tenantID: tenantID, subject: ArchiveBucket.folder(tenantID: tenantID, day: day), payload: ["rows": .int(rows.count)],
                        on: connection)
                }
                return rows.count
            }
            deleted += count
            if count < partRows { return deleted }
        }
    }

    /// One part; nil when the day holds no more rows of the tenant.
    private func archivePart(tenantID: String, day: ArchiveDay, kind: ArchivePart.Kind) async throws -> Outcome? {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            // The tenant's lock first, as an erasure takes it: the erasure lock is held only for
            // the part itself, never while waiting for the tenant.
            try await catalogue.lockTenant(tenantID, on: connection)
            try await ErasedSubjects.holdShared(on: connection, logger: logger)
            _ = try await connection.answeredStatement("SELECT set_config('TimeZone', 'UTC', true)", logger: logger)
            let rows = try await connection.answeredStatement(
                """
                SELECT event_id, occurred_at, player_id, ingested_at, row_to_json(e)::text
                  FROM events_raw AS e
                 WHERE tenant_id = \(tenantID) AND occurred_at >= \(day.start) AND occurred_at < \(day.end)
                 ORDER BY occurred_at, event_id
                 LIMIT \(partRows)
                """, logger: logger)
            guard !rows.isEmpty else { return nil }
            var read: [(id: UUID, occurredAt: Date, player: String, ingestedAt: Date?, line: String)] = []
            read.reserveCapacity(rows.count)
            for row in rows {
                let (id, occurredAt, player, ingestedAt, line) = try row.decode((UUID, Date, String, Date?, String).self)
                read.append((id, occurredAt, player, ingestedAt, line))
            }
            let erasedAt = try await erasures(tenantID: tenantID, players: Set(read.map(\.player)), on: connection)
            let kept = read.filter { row in
                guard let erased = erasedAt[row.player] else { return true }
                return (row.ingestedAt ?? .distantPast) > erased
            }
            var outcome = Outcome(erasedRows: read.count - kept.count)
            if !kept.isEmpty {
                let object = ArchiveObject(lines: kept.map(\.line))
                let number = (try await catalogue.parts(tenantID: tenantID, day: day, on: connection).map(\.part).max() ?? 0) + 1
                let key = ArchiveBucket.objectKey(tenantID: tenantID, day: day, part: number, kind: kind)
                try await catalogue.bucket.putVerified(object, key: key)
                let part = ArchivePart(part: number, key: key, kind: kind, rows: kept.count, bytes: object.body.count, sha256: object.sha256)
                try await catalogue.record(part, tenantID: tenantID, day: day, players: Set(kept.map(\.player)), on: connection)
                outcome.rows = kept.count
                outcome.bytes = object.body.count
                outcome.parts = 1
            }
            let deleted = try await connection.answeredStatement(
                """
                DELETE FROM events_raw
                 WHERE tenant_id = \(tenantID) AND occurred_at >= \(day.start) AND occurred_at < \(day.end)
                   AND (event_id, occurred_at) IN (SELECT * FROM unnest(\(read.map(\.id))::uuid[], \(read.map(\.occurredAt))::timestamptz[]))
                RETURNING 1
                """, logger: logger)
            guard deleted.count == read.count else {
                throw RowsChanged(tenantID: tenantID, day: day, read: read.count, deleted: deleted.count)
            }
            if outcome.parts > 0, let part = try await catalogue.parts(tenantID: tenantID, day: day, on: connection).last {
                try await catalogue.writeManifest(tenantID: tenantID, day: day, on: connection)
                try await audit.record(
                    .archived, tenantID: tenantID, subject: part.key,
                    payload: [
                        "day": .string(day.description), "part": .int(part.part), "kind": .string(part.kind.rawValue), "rows": .int(part.rows),
                        "bytes": .int(part.bytes), "sha256": .string(part.sha256), "erased_rows_left_out": .int(outcome.erasedRows),
                    ], on: connection)
            } else if outcome.erasedRows > 0 {
                try await audit.record(
                    .erasedRowsDeleted, tenantID: tenantID, subject: ArchiveBucket.folder(tenantID: tenantID, day: day),
                    payload: ["rows": .int(outcome.erasedRows)], on: connection)
            }
            return outcome
        }
    }

    /// When each of `players` was last erased, for those that were.
    private func erasures(tenantID: String, players: Set<String>, on connection: PostgresConnection) async throws -> [String: Date] {
        let ordered = players.sorted()
        let bySubject = Dictionary(uniqueKeysWithValues: ordered.map { (subjects.subject(tenantID: tenantID, playerID: $0), $0) })
        let rows = try await connection.answeredStatement(
            "SELECT subject, erased_at FROM erased_subjects WHERE subject = ANY(\(bySubject.keys.map { ByteBuffer(bytes: $0) }))", logger: logger)
        var erased: [String: Date] = [:]
        for row in rows {
            let (subject, at) = try row.decode((ByteBuffer, Date).self)
            if let player = bySubject[Array(subject.readableBytesView)] { erased[player] = at }
        }
        return erased
    }

    /// Rows read for a part were deleted by someone else before the part committed: nothing is
    /// committed, and the next pass reads the day again.
    struct RowsChanged: Error, CustomStringConvertible {
        let tenantID: String
        let day: ArchiveDay
        let read: Int
        let deleted: Int
        var description: String { "\(tenantID) \(day): \(read) rows read for a part but \(deleted) deleted; the part is rolled back" }
    }
}
