import GameMetricsErasure
import GameMetricsKit
import Logging
import PostgresNIO

/// Deletes the processor's data about one player — raw events, bucket memberships, state — in
/// the erasure's transaction (`ErasureParticipant` has recorded the erased subject in it first,
/// so the player's events still in flight are never stored). The aggregates keep their counts
/// and sums: they hold no player identifier, and the distinct player counts stay what they were
/// when the player was active. Running it again deletes nothing more.
enum PlayerDataEraser {
    /// Rows deleted per table.
    static func erase(_ request: ErasureRequested, on connection: PostgresConnection, logger: Logger) async throws -> [String: Int] {
        let (tenantID, playerID) = (request.tenantID, request.playerID)
        var deleted: [String: Int] = [:]
        let events = try await connection.query(
            """
            WITH gone AS (DELETE FROM events_raw WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING 1)
            SELECT count(*) FROM gone
            """, logger: logger)
        deleted["events_raw"] = try await events.collect().first?.decode(Int.self) ?? 0
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
