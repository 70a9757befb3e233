import GameMetricsErasure
import GameMetricsKit
import Logging
import PostgresNIO

/// Deletes the processor's data about one player — raw events, bucket memberships, its ordinal
/// and its bits in the bitmaps, state — in the erasure's transaction (`ErasureParticipant` has
/// recorded the erased subject in it first, so the player's events still in flight are never
/// stored). The aggregates keep their counts and sums: they hold no player identifier, and the
/// `active_players` counts stay what they were when the player was active. The bitmaps are
/// read as distinct memberships, so they lose the player's bits with its memberships: each
/// bitmap's count stays the number of its bucket's members. The ordinal is not given again (the
/// tenant's counter only grows). Running it again deletes nothing more.
enum PlayerDataEraser {
    /// Rows deleted per table; for `player_bitmaps`, the rows whose bit of the player was cleared.
    static func erase(_ request: ErasureRequested, on connection: PostgresConnection, logger: Logger) async throws -> [String: Int] {
        let (tenantID, playerID) = (request.tenantID, request.playerID)
        var deleted: [String: Int] = [:]
        let events = try await connection.query(
            """
            WITH gone AS (DELETE FROM events_raw WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING 1)
            SELECT count(*) FROM gone
            """, logger: logger)
        deleted["events_raw"] = try await events.collect().first?.decode(Int.self) ?? 0
        // Before the memberships go: they say which bitmaps hold the player's bit. The erasure's
        // exclusive lock (`ErasedSubjects.record`) keeps every store out meanwhile.
        let bits = try await connection.query(
            """
            WITH gone AS (DELETE FROM player_ordinals WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING ordinal),
            cleared AS (
                UPDATE player_bitmaps b SET bits = set_bit(b.bits, g.ordinal % 8192, 0)
                  FROM gone g, player_activity a
                 WHERE a.tenant_id = \(tenantID) AND a.player_id = \(playerID) AND a.game_id = ''
                   AND b.tenant_id = a.tenant_id AND b.grain = a.grain AND b.bucket = a.bucket AND b.chunk = g.ordinal / 8192
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM gone)::bigint, (SELECT count(*) FROM cleared)::bigint
            """, logger: logger)
        var (ordinals, bitmaps): (Int64, Int64) = (0, 0)
        if let row = try await bits.collect().first {
            (ordinals, bitmaps) = try row.decode((Int64, Int64).self)
        }
        deleted["player_ordinals"] = Int(ordinals)
        deleted["player_bitmaps"] = Int(bitmaps)
        let activity = try await connection.query(
            """
            WITH gone AS (DELETE FROM player_activity WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING 1)
            SELECT count(*) FROM gone
            """, logger: logger)
        deleted["player_activity"] = try await activity.collect().first?.decode(Int.self) ?? 0
        let state = try await connection.query(
            """
            WITH gone AS (DELETE FROM player_state WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING 1)
            SELECT count(*) FROM gone
            """, logger: logger)
        deleted["player_state"] = try await state.collect().first?.decode(Int.self) ?? 0
        return deleted
    }
}
