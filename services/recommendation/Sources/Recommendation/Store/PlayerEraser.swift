import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO

/// What recommendation holds about a player, removed by their erasure (inside the participant's
/// transaction, which records the erased subject first): their vectors in every model of the
/// tenant, their recent plays, then their cached lists. Later training leaves them out
/// (``TrainingData``), and a model loaded while they were erased drops them before it serves
/// (``ModelLoader/dropErased(modelID:players:tenantID:subjects:)``).
struct PlayerEraser: Sendable {
    let cache: RecommendationCache
    let logger: Logger

    func erase(tenantID: String, playerID: String, on connection: PostgresConnection) async throws -> [String: Int] {
        let vectors = try await count(
            """
            WITH deleted AS (
                DELETE FROM rec_player_vectors
                 WHERE player_id = \(playerID) AND model_id IN (SELECT model_id FROM rec_models WHERE tenant_id = \(tenantID))
                RETURNING 1
            ) SELECT count(*)::integer FROM deleted
            """, on: connection)
        let plays = try await count(
            """
            WITH deleted AS (DELETE FROM rec_recent_plays WHERE tenant_id = \(tenantID) AND player_id = \(playerID) RETURNING 1)
            SELECT count(*)::integer FROM deleted
            """, on: connection)
        let cached = try await cache.erase(tenantID: tenantID, playerID: playerID)
        return ["player_vectors": vectors, "recent_plays": plays, "cached_lists": cached]
    }

    private func count(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> Int {
        var total = 0
        for try await deleted in try await connection.query(query, logger: logger).decode(Int.self) { total = deleted }
        return total
    }
}
