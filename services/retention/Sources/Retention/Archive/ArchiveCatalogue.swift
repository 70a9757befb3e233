import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO

/// What is archived, in PostgreSQL (`archive_objects`, `archive_players`): the truth the
/// manifests in S3 are written from. Every change to a tenant's archive holds the tenant's
/// archive lock until its transaction ends, so the pass, an erasure's rewrite and an expiry
/// never interleave on one tenant's objects and manifests.
struct ArchiveCatalogue: Sendable {
    /// `pg_advisory_xact_lock(lockClass, hashtext(tenant))`: "gmrt"; two tenants whose hashes
    /// collide only wait for each other.
    static let lockClass: Int32 = 0x676D_7274

    let bucket: ArchiveBucket
    let logger: Logger

    func lockTenant(_ tenantID: String, on connection: PostgresConnection) async throws {
        _ = try await connection.answeredStatement("SELECT pg_advisory_xact_lock(\(Self.lockClass), hashtext(\(tenantID)))", logger: logger)
    }

    func parts(tenantID: String, day: ArchiveDay, on connection: PostgresConnection) async throws -> [ArchivePart] {
        let rows = try await connection.answeredStatement(
            """
            SELECT part, object_key, kind, rows, bytes, sha256 FROM archive_objects
             WHERE tenant_id = \(tenantID) AND day = \(day.description)::date ORDER BY part
            """, logger: logger)
        return try rows.map { row in
            let (part, key, kind, count, bytes, sha256) = try row.decode((Int, String, String, Int, Int, String).self)
            return ArchivePart(part: part, key: key, kind: ArchivePart.Kind(rawValue: kind) ?? .events, rows: count, bytes: bytes, sha256: sha256)
        }
    }

    func record(_ part: ArchivePart, tenantID: String, day: ArchiveDay, players: Set<String>, on connection: PostgresConnection) async throws {
        _ = try await connection.answeredStatement(
            """
            INSERT INTO archive_objects (tenant_id, day, part, object_key, kind, rows, bytes, sha256)
            VALUES (\(tenantID), \(day.description)::date, \(part.part), \(part.key), \(part.kind.rawValue), \(part.rows), \(part.bytes), \(part.sha256))
            """, logger: logger)
        _ = try await connection.answeredStatement(
            """
            INSERT INTO archive_players (tenant_id, player_id, day, part)
            SELECT \(tenantID), player, \(day.description)::date, \(part.part) FROM unnest(\(players.sorted())::text[]) AS player
            """, logger: logger)
    }

    /// Replaces a rewritten part's counts and checksum, and drops the players no longer in it.
    func replace(_ part: ArchivePart, tenantID: String, day: ArchiveDay, removedPlayers: Set<String>, on connection: PostgresConnection) async throws {
        _ = try await connection.answeredStatement(
            """
            UPDATE archive_objects SET rows = \(part.rows), bytes = \(part.bytes), sha256 = \(part.sha256), rewritten_at = now()
             WHERE tenant_id = \(tenantID) AND day = \(day.description)::date AND part = \(part.part)
            """, logger: logger)
        _ = try await connection.answeredStatement(
            """
            DELETE FROM archive_players
             WHERE tenant_id = \(tenantID) AND day = \(day.description)::date AND part = \(part.part)
               AND player_id = ANY(\(removedPlayers.sorted())::text[])
            """, logger: logger)
    }

    /// Writes the day's manifest from the catalogue as this transaction sees it (deletes it when
    /// the day has no objects left).
    func writeManifest(tenantID: String, day: ArchiveDay, on connection: PostgresConnection) async throws {
        let parts = try await parts(tenantID: tenantID, day: day, on: connection)
        if parts.isEmpty {
            try await bucket.delete(key: ArchiveBucket.manifestKey(tenantID: tenantID, day: day))
        } else {
            try await bucket.put(manifest: ArchiveManifest(tenantID: tenantID, day: day, objects: parts))
        }
    }

    /// Deletes objects under the day's folder that the catalogue does not list: uploads of a
    /// part whose transaction never committed (a crash, a failed verification).
    func removeOrphans(tenantID: String, day: ArchiveDay, on connection: PostgresConnection) async throws -> [String] {
        let listed = Set(try await parts(tenantID: tenantID, day: day, on: connection).map(\.key))
        let manifest = ArchiveBucket.manifestKey(tenantID: tenantID, day: day)
        var removed: [String] = []
        for key in try await bucket.keys(tenantID: tenantID, day: day) where key != manifest && !listed.contains(key) {
            try await bucket.delete(key: key)
            removed.append(key)
        }
        if !removed.isEmpty {
            logger.warning("removed archive objects no catalogue row lists (an interrupted pass)", metadata: ["keys": "\(removed)"])
        }
        return removed
    }
}
