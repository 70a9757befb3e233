import GameMetricsPostgres
import GameMetricsService
import Logging
import PostgresNIO

/// Records the erasure (``ErasedSubjects``, so that the player's events still in flight are
/// never stored) and deletes the player's raw events, bucket memberships and state, in one
/// transaction. The aggregates keep their counts and sums: they hold no player identifier, and
/// the distinct player counts stay what they were when the player was active.
struct PostgresPlayerDataEraser: PlayerDataEraser {
    let client: PostgresClient
    let subjects: ErasedSubjects
    let logger: Logger

    func erase(playerID: String, tenantID: String) async throws -> [String: Int] {
        try await client.withTransaction(logger: logger) { connection in
            // First: waits for the stores and publications in flight, which then see the record.
            try await subjects.record(tenantID: tenantID, playerID: playerID, on: connection, logger: logger)
            var deleted: [String: Int] = [:]
            let events = try await connection.query("""
                WITH gone AS (DELETE FROM events_raw WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING 1)
                SELECT count(*) FROM gone
                """, logger: logger)
            deleted["events_raw"] = try await events.collect().first?.decode(Int.self) ?? 0
            let activity = try await connection.query("""
                WITH gone AS (DELETE FROM player_activity WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING 1)
                SELECT count(*) FROM gone
                """, logger: logger)
            deleted["player_activity"] = try await activity.collect().first?.decode(Int.self) ?? 0
            let state = try await connection.query("""
                WITH gone AS (DELETE FROM player_state WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING 1)
                SELECT count(*) FROM gone
                """, logger: logger)
            deleted["player_state"] = try await state.collect().first?.decode(Int.self) ?? 0
            return deleted
        }
    }
}
