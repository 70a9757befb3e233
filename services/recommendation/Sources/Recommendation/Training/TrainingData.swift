import Foundation
import GameMetricsPostgres
import GameMetricsRecommender
import Logging
import PostgresNIO

/// What a model learns from: for each player of the tenant, on how many days of the window they
/// played each game (`player_activity`, day grain — the processor's record of play), leaving out
/// erased players.
struct TrainingData: Sendable {
    var players: IndexMap
    var games: IndexMap
    var interactions: [Interaction]

    static func read(
        tenantID: String, from: Date, to: Date, postgres: PostgresClient, subjects: ErasedSubjects, logger: Logger
    ) async throws -> TrainingData {
        var erased = Set<[UInt8]>()
        let erasedRows = try await postgres.query("SELECT subject FROM erased_subjects", logger: logger)
        for try await subject in erasedRows.decode(ByteBuffer.self) { erased.insert(Array(subject.readableBytesView)) }
        return try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            var data = TrainingData(players: IndexMap(), games: IndexMap(), interactions: [])
            var excluded: [String: Bool] = [:]
            // player_activity answers a service role only the rows of the tenant its transaction names.
            try await connection.query("SELECT set_config('gm.tenant_id', \(tenantID), true)", logger: logger)
            let rows = try await connection.query(
                """
                SELECT player_id, game_id, count(*)::integer FROM player_activity
                 WHERE tenant_id = \(tenantID) AND grain = 'day' AND game_id <> '' AND bucket >= \(from) AND bucket < \(to)
                 GROUP BY player_id, game_id
                """, logger: logger)
            for try await (player, game, days) in rows.decode((String, String, Int32).self) {
                let isErased: Bool
                if let known = excluded[player] {
                    isErased = known
                } else {
                    isErased = !erased.isEmpty && erased.contains(subjects.subject(tenantID: tenantID, playerID: player))
                    excluded[player] = isErased
                }
                guard !isErased else { continue }
                data.interactions.append(
                    Interaction(playerIndex: data.players.index(for: player), gameIndex: data.games.index(for: game), count: Float(days)))
            }
            return data
        }
    }
}
