import Foundation
import Logging
import PostgresNIO

/// The serving path's reads, on a pool whose sessions start with the HNSW search settings and a
/// statement timeout (``PostgresRequirement/recommendationReads(efSearch:statementTimeout:)``).
/// Every statement names the tenant or one of its models, whose vectors sit in a partition of
/// their own.
struct VectorSearch: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    func context(tenantID: String, playerID: String, modelID: Int64?) async throws -> PlayerContext {
        let rows = try await postgres.query(
            """
            SELECT v.embedding::text, v.played, r.games, r.plays
              FROM (SELECT coalesce(array_agg(game_id ORDER BY game_id), '{}') AS games, coalesce(array_agg(plays ORDER BY game_id), '{}') AS plays
                      FROM rec_recent_plays WHERE tenant_id = \(tenantID) AND player_id = \(playerID)) AS r
              LEFT JOIN rec_player_vectors v ON v.model_id = \(modelID ?? -1) AND v.player_id = \(playerID)
            """, logger: logger)
        for try await (vector, played, games, plays) in rows.decode((String?, [String]?, [String], [Int]).self) {
            var recent: [String: Int] = [:]
            for (game, count) in zip(games, plays) { recent[game] = count }
            return PlayerContext(vector: vector.flatMap(VectorText.parse), trainedOn: played ?? [], recentPlays: recent)
        }
        return PlayerContext(vector: nil, trainedOn: [], recentPlays: [:])
    }

    /// The model's `limit` enabled games of the tenant's catalogue nearest to `vector` by inner
    /// product, leaving out `excluded`, best first. HNSW with iterative scans (relaxed order:
    /// re-sorted here), so filtered-out games do not shorten the list.
    func nearest(tenantID: String, modelID: Int64, vector: [Float], excluded: [String], limit: Int) async throws -> [RecommendedGame] {
        let text = VectorText.format(vector)
        let rows = try await postgres.query(
            """
            SELECT g.game_id, -(g.embedding <#> \(text)::vector) AS score, c.name, c.provider, c.category
              FROM rec_game_vectors g JOIN rec_games c ON c.tenant_id = \(tenantID) AND c.game_id = g.game_id
             WHERE g.model_id = \(modelID) AND c.enabled AND NOT (g.game_id = ANY(\(excluded)::text[]))
             ORDER BY g.embedding <#> \(text)::vector
             LIMIT \(limit)
            """, logger: logger)
        var games: [RecommendedGame] = []
        for try await row in rows.decode((String, Double, String?, String?, String?).self) {
            games.append(RecommendedGame(gameID: row.0, score: row.1, name: row.2, provider: row.3, category: row.4))
        }
        return games.sorted { ($0.score ?? 0) > ($1.score ?? 0) }
    }

    /// The first `limit` of `ranked` that are enabled in the tenant's catalogue and not
    /// `excluded`, in `ranked`'s order.
    func enabled(tenantID: String, ranked: [String], excluded: [String], limit: Int) async throws -> [RecommendedGame] {
        guard !ranked.isEmpty, limit > 0 else { return [] }
        let rows = try await postgres.query(
            """
            SELECT c.game_id, c.name, c.provider, c.category
              FROM unnest(\(ranked)::text[]) WITH ORDINALITY AS r(game_id, rank)
              JOIN rec_games c ON c.tenant_id = \(tenantID) AND c.game_id = r.game_id
             WHERE c.enabled AND NOT (c.game_id = ANY(\(excluded)::text[]))
             ORDER BY r.rank LIMIT \(limit)
            """, logger: logger)
        var games: [RecommendedGame] = []
        for try await row in rows.decode((String, String?, String?, String?).self) {
            games.append(RecommendedGame(gameID: row.0, score: nil, name: row.1, provider: row.2, category: row.3))
        }
        return games
    }

    /// The tenant's most played games of the last week by distinct players, for a tenant
    /// without a model yet.
    func recentlyPopular(tenantID: String, limit: Int) async throws -> [String] {
        let rows = try await postgres.query(
            """
            SELECT game_id FROM rec_recent_plays
             WHERE tenant_id = \(tenantID) AND last_played_at > now() - interval '7 days'
             GROUP BY game_id ORDER BY count(*) DESC, game_id LIMIT \(limit)
            """, logger: logger)
        var games: [String] = []
        for try await game in rows.decode(String.self) { games.append(game) }
        return games
    }

    /// A model's game vectors, for folding players in.
    func gameVectors(modelID: Int64) async throws -> [String: [Float]] {
        let rows = try await postgres.query("SELECT game_id, embedding::text FROM rec_game_vectors WHERE model_id = \(modelID)", logger: logger)
        var vectors: [String: [Float]] = [:]
        for try await (game, text) in rows.decode((String, String).self) {
            vectors[game] = VectorText.parse(text)
        }
        return vectors
    }
}
