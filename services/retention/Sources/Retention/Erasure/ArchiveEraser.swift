import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO

/// A player's erasure in what retention holds: their rows of every restore table, and their
/// lines in every archive object that holds them (``ArchiveCatalogue`` knows which), each object
/// rewritten without them and verified, its catalogue row and its day's manifest updated; an
/// object left empty is deleted. Runs inside the erasure participant's transaction, holding the
/// tenant's archive lock, and records the player as erased at its end: a pass either archived the
/// player's rows before (and this rewrites them away) or takes the tenant's lock after the commit
/// and leaves them out. Repeating it finds nothing more to remove.
struct ArchiveEraser: Sendable {
    let catalogue: ArchiveCatalogue
    let subjects: ErasedSubjects
    let audit: RetentionAudit
    let logger: Logger

    /// `requestID` names the erasure in the audit trail (never the player).
    func erase(requestID: UUID, tenantID: String, playerID: String, on connection: PostgresConnection) async throws -> [String: Int] {
        try await catalogue.lockTenant(tenantID, on: connection)
        let restored = try await connection.answeredStatement(
            "DELETE FROM restored_events WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING 1", logger: logger)
        let holding = try await connection.answeredStatement(
            """
            SELECT o.day::text, o.part, o.object_key, o.kind, o.rows, o.bytes, o.sha256
              FROM archive_players p JOIN archive_objects o USING (tenant_id, day, part)
             WHERE p.tenant_id = \(tenantID) AND p.player_id = \(playerID)
             ORDER BY o.day, o.part
            """, logger: logger)
        var days = Set<ArchiveDay>()
        var linesRemoved = 0
        var objectsRewritten = 0
        for row in holding {
            let (dayText, number, key, kind, count, bytes, sha256) = try row.decode((String, Int, String, String, Int, Int, String).self)
            guard let day = ArchiveDay(iso: dayText) else { continue }
            let part = ArchivePart(part: number, key: key, kind: ArchivePart.Kind(rawValue: kind) ?? .events, rows: count, bytes: bytes, sha256: sha256)
            linesRemoved += try await rewrite(part, tenantID: tenantID, day: day, without: playerID, on: connection)
            objectsRewritten += 1
            days.insert(day)
        }
        for day in days.sorted() {
            try await catalogue.writeManifest(tenantID: tenantID, day: day, on: connection)
        }
        // Recorded last: the exclusive erasure lock, which every processor store waits for, is
        // held from here to the commit, not through the rewrites above (those hold only the
        // tenant's archive lock, which a part takes before the erasure lock).
        try await subjects.record(tenantID: tenantID, playerID: playerID, on: connection, logger: logger)
        let counts = ["restored_events": restored.count, "archive_lines": linesRemoved, "archive_objects": objectsRewritten]
        try await audit.record(
            .erased, tenantID: tenantID, subject: "erasure:\(requestID.uuidString.lowercased())", payload: counts.mapValues { .int($0) }, on: connection)
        return counts
    }

    /// Rewrites one object without the player's lines; returns how many lines went.
    private func rewrite(_ part: ArchivePart, tenantID: String, day: ArchiveDay, without playerID: String, on connection: PostgresConnection)
        async throws -> Int
    {
        guard let body = try await catalogue.bucket.object(key: part.key) else {
            // An object this erasure emptied and deleted before a retry rolled its transaction
            // back (or one lost otherwise): nothing of the player is left in it; the catalogue follows S3.
            logger.warning("archive object listed in the catalogue is not in S3; dropping its catalogue row", metadata: ["key": "\(part.key)"])
            _ = try await connection.answeredStatement(
                "DELETE FROM archive_objects WHERE tenant_id = \(tenantID) AND day = \(day.description)::date AND part = \(part.part)", logger: logger)
            return 0
        }
        let matchesCatalogue = ArchiveObject.sha256(body) == part.sha256
        if !matchesCatalogue {
            // A rewrite whose transaction did not commit (the erasure is being retried): the
            // object already lacks lines the catalogue counts. Removal goes on from what is stored.
            logger.warning("archive object differs from its catalogue row; rewriting it from what is stored", metadata: ["key": "\(part.key)"])
        }
        let lines = try ArchiveObject.lines(of: body)
        let kept = lines.filter { ArchiveObject.playerID(of: $0) != playerID }
        if kept.isEmpty {
            try await catalogue.bucket.delete(key: part.key)
            _ = try await connection.answeredStatement(
                "DELETE FROM archive_objects WHERE tenant_id = \(tenantID) AND day = \(day.description)::date AND part = \(part.part)", logger: logger)
        } else if kept.count < lines.count || !matchesCatalogue {
            let object = ArchiveObject(lines: kept)
            try await catalogue.bucket.putVerified(object, key: part.key)
            var rewritten = part
            rewritten.rows = kept.count
            rewritten.bytes = object.body.count
            rewritten.sha256 = object.sha256
            try await catalogue.replace(rewritten, tenantID: tenantID, day: day, removedPlayers: [playerID], on: connection)
        } else {
            // Only the index still named the player.
            try await catalogue.replace(part, tenantID: tenantID, day: day, removedPlayers: [playerID], on: connection)
        }
        return lines.count - kept.count
    }
}
