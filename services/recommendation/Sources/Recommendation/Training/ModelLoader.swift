import Foundation
import GameMetricsPostgres
import GameMetricsRecommender
import Logging
import PostgresNIO

/// Puts a trained model into PostgreSQL: its row (`loading`), its partitions, its vectors, its
/// HNSW index, then `ready`; into the tenant's rollout; and retires the models no longer kept.
/// A crash while loading leaves a `loading` model that nothing serves; the next retirement drops it.
struct ModelLoader: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    /// Player rows per INSERT: large enough that a million players load in minutes.
    static let playerChunk = 5_000

    struct NewModel: Sendable {
        var tenantID: String
        var version: String
        var windowFrom: Date
        var windowTo: Date
        var players: Int
        var games: Int
        var interactions: Int64
        var parameters: String
        var metrics: String
        var popular: [String]
        var artifactKey: String
        var artifactSHA256: String
    }

    func load(
        _ new: NewModel, model: FactorModel, players: IndexMap, games: IndexMap, matrix: InteractionMatrix, hnsw: (m: Int, efConstruction: Int),
        subjects: ErasedSubjects
    ) async throws -> ModelRecord {
        let rows = try await postgres.query(
            """
            INSERT INTO rec_models (tenant_id, version, state, window_from, window_to, players, games, interactions, parameters, metrics, popular,
                                    artifact_key, artifact_sha256)
            VALUES (\(new.tenantID), \(new.version), 'loading', \(new.windowFrom), \(new.windowTo), \(new.players), \(new.games), \(new.interactions),
                    \(new.parameters)::jsonb, \(new.metrics)::jsonb, \(new.popular), \(new.artifactKey), \(new.artifactSHA256))
            RETURNING model_id
            """, logger: logger)
        var modelID: Int64?
        for try await id in rows.decode(Int64.self) { modelID = id }
        guard let modelID else { throw ModelLoadFailed(reason: "no model id returned") }
        try await postgres.query("SELECT rec_create_model_partitions(\(modelID))", logger: logger)

        let gameVectors = (0..<model.games).map { VectorText.format(Array(model.gameVector($0))) }
        try await postgres.query(
            """
            INSERT INTO rec_game_vectors (model_id, game_id, embedding)
            SELECT \(modelID), game, vector::vector FROM unnest(\(games.ids)::text[], \(gameVectors)::text[]) AS s(game, vector)
            """, logger: logger)

        for start in stride(from: 0, to: model.players, by: Self.playerChunk) {
            let range = start..<min(start + Self.playerChunk, model.players)
            let ids = range.map { players.id(at: Int32($0)) }
            let vectors = range.map { VectorText.format(Array(model.playerVector($0))) }
            // Ids hold no control characters (ingestion refuses them): U+001F separates a player's games.
            let played = range.map { player in matrix.games(ofPlayer: player).games.map { games.id(at: $0) }.joined(separator: "\u{1F}") }
            try await postgres.query(
                """
                INSERT INTO rec_player_vectors (model_id, player_id, embedding, played)
                SELECT \(modelID), player, vector::vector, string_to_array(played, E'\\x1F')
                  FROM unnest(\(ids)::text[], \(vectors)::text[], \(played)::text[]) AS s(player, vector, played)
                """, logger: logger)
        }
        try await postgres.query("SELECT rec_index_model(\(modelID), \(hnsw.m)::integer, \(hnsw.efConstruction)::integer)", logger: logger)
        try await dropErased(modelID: modelID, players: players, tenantID: new.tenantID, subjects: subjects)
        try await postgres.query("UPDATE rec_models SET state = 'ready', ready_at = now() WHERE model_id = \(modelID)", logger: logger)
        guard let record = try await ModelStore(postgres: postgres, logger: logger).model(id: modelID) else {
            throw ModelLoadFailed(reason: "model \(modelID) vanished")
        }
        return record
    }

    /// Deletes the vectors of players erased while the model trained and loaded. Under the
    /// erasure lock held shared: an erasure recorded before this sees the rows already loaded and
    /// deleted them, or is seen here.
    func dropErased(modelID: Int64, players: IndexMap, tenantID: String, subjects: ErasedSubjects) async throws {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            try await ErasedSubjects.holdShared(on: connection, logger: logger)
            var erased = Set<[UInt8]>()
            let rows = try await connection.query("SELECT subject FROM erased_subjects", logger: logger)
            for try await subject in rows.decode(ByteBuffer.self) { erased.insert(Array(subject.readableBytesView)) }
            guard !erased.isEmpty else { return }
            let gone = players.ids.filter { erased.contains(subjects.subject(tenantID: tenantID, playerID: $0)) }
            guard !gone.isEmpty else { return }
            try await connection.query("DELETE FROM rec_player_vectors WHERE model_id = \(modelID) AND player_id = ANY(\(gone))", logger: logger)
        }
    }

    /// The tenant's first model becomes its primary; a later one the candidate (replacing any
    /// candidate) with `candidatePercent` of the players, or serves nobody when that is 0.
    func promote(_ record: ModelRecord, candidatePercent: Int) async throws {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            let rows = try await connection.query("SELECT primary_model_id FROM rec_rollouts WHERE tenant_id = \(record.tenantID) FOR UPDATE", logger: logger)
            var hasPrimary = false
            for try await _ in rows.decode(Int64.self) { hasPrimary = true }
            if !hasPrimary {
                try await connection.query(
                    """
                    INSERT INTO rec_rollouts (tenant_id, primary_model_id, candidate_model_id, candidate_percent, updated_by)
                    VALUES (\(record.tenantID), \(record.modelID), NULL, 0, 'training')
                    """, logger: logger)
            } else if candidatePercent > 0 {
                try await connection.query(
                    """
                    UPDATE rec_rollouts SET candidate_model_id = \(record.modelID), candidate_percent = \(candidatePercent), updated_at = now(),
                           updated_by = 'training'
                     WHERE tenant_id = \(record.tenantID)
                    """, logger: logger)
            }
        }
    }

    /// Retires the tenant's models that its rollout does not serve, beyond the `keeping` newest
    /// ready ones, and models left `loading` by a crashed training; drops their vectors.
    func retire(tenantID: String, keeping: Int) async throws {
        let rows = try await postgres.query(
            """
            WITH served AS (
                SELECT primary_model_id AS model_id FROM rec_rollouts WHERE tenant_id = \(tenantID)
                UNION SELECT candidate_model_id FROM rec_rollouts WHERE tenant_id = \(tenantID) AND candidate_model_id IS NOT NULL
            ), kept AS (
                SELECT model_id FROM rec_models WHERE tenant_id = \(tenantID) AND state = 'ready' AND model_id NOT IN (SELECT model_id FROM served)
                 ORDER BY model_id DESC LIMIT \(keeping)
            )
            UPDATE rec_models SET state = 'retired'
             WHERE tenant_id = \(tenantID) AND state <> 'retired'
               AND model_id NOT IN (SELECT model_id FROM served) AND model_id NOT IN (SELECT model_id FROM kept)
               AND (state = 'ready' OR created_at < now() - interval '1 day')
            RETURNING model_id
            """, logger: logger)
        var retired: [Int64] = []
        for try await id in rows.decode(Int64.self) { retired.append(id) }
        for id in retired {
            try await postgres.query("SELECT rec_drop_model_partitions(\(id))", logger: logger)
        }
        // Vectors of models retired earlier whose drop failed.
        let leftovers = try await postgres.query(
            """
            SELECT m.model_id FROM rec_models m
             WHERE m.tenant_id = \(tenantID) AND m.state = 'retired' AND to_regclass('public.rec_game_vectors_m' || m.model_id) IS NOT NULL
            """, logger: logger)
        var undropped: [Int64] = []
        for try await id in leftovers.decode(Int64.self) where !retired.contains(id) { undropped.append(id) }
        for id in undropped {
            try await postgres.query("SELECT rec_drop_model_partitions(\(id))", logger: logger)
        }
    }
}
