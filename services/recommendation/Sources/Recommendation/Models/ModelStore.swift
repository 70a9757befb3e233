import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO

/// Trained models (`rec_models`) and the tenants' rollouts (`rec_rollouts`).
struct ModelStore: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    func models(tenantID: String) async throws -> [ModelRecord] {
        try await records(
            "SELECT model_id, tenant_id, version, state, created_at, ready_at, window_from, window_to, players, games, interactions, parameters::text, metrics::text, popular, artifact_key, artifact_sha256 FROM rec_models WHERE tenant_id = \(tenantID) ORDER BY model_id DESC"
        )
    }

    func model(tenantID: String, version: String) async throws -> ModelRecord? {
        try await records(
            "SELECT model_id, tenant_id, version, state, created_at, ready_at, window_from, window_to, players, games, interactions, parameters::text, metrics::text, popular, artifact_key, artifact_sha256 FROM rec_models WHERE tenant_id = \(tenantID) AND version = \(version)"
        ).first
    }

    func model(id: Int64) async throws -> ModelRecord? {
        try await records(
            "SELECT model_id, tenant_id, version, state, created_at, ready_at, window_from, window_to, players, games, interactions, parameters::text, metrics::text, popular, artifact_key, artifact_sha256 FROM rec_models WHERE model_id = \(id)"
        ).first
    }

    private func records(_ query: PostgresQuery) async throws -> [ModelRecord] {
        let rows = try await postgres.query(query, logger: logger)
        var models: [ModelRecord] = []
        for try await row in rows {
            let c = row.makeRandomAccess()
            models.append(
                ModelRecord(
                    modelID: try c[0].decode(Int64.self), tenantID: try c[1].decode(String.self), version: try c[2].decode(String.self),
                    state: try c[3].decode(String.self), createdAt: try c[4].decode(Date.self), readyAt: try c[5].decode(Date?.self),
                    windowFrom: try c[6].decode(Date.self), windowTo: try c[7].decode(Date.self), players: try c[8].decode(Int.self),
                    games: try c[9].decode(Int.self), interactions: try c[10].decode(Int64.self), parameters: try c[11].decode(String.self),
                    metrics: try c[12].decode(String.self), popular: try c[13].decode([String].self), artifactKey: try c[14].decode(String.self),
                    artifactSHA256: try c[15].decode(String.self)))
        }
        return models
    }

    /// Every tenant's rollout, with its models' versions.
    func rollouts() async throws -> [String: Rollout] {
        let rows = try await postgres.query(
            """
            SELECT r.tenant_id, r.primary_model_id, p.version, r.candidate_model_id, c.version, r.candidate_percent, r.updated_at, r.updated_by
              FROM rec_rollouts r JOIN rec_models p ON p.model_id = r.primary_model_id LEFT JOIN rec_models c ON c.model_id = r.candidate_model_id
            """, logger: logger)
        var rollouts: [String: Rollout] = [:]
        for try await row in rows.decode((String, Int64, String, Int64?, String?, Int, Date, String).self) {
            let candidate = row.3.flatMap { id in row.4.map { Rollout.Model(modelID: id, version: $0) } }
            rollouts[row.0] = Rollout(
                tenantID: row.0, primary: Rollout.Model(modelID: row.1, version: row.2), candidate: candidate, candidatePercent: row.5,
                updatedAt: row.6, updatedBy: row.7)
        }
        return rollouts
    }

    enum RolloutProblem: Error, Equatable {
        case unknownVersion(String)
        case notReady(String)
    }

    /// Sets the tenant's rollout to ready models of its own, by version; throws ``RolloutProblem``
    /// for a version that is not one.
    func setRollout(tenantID: String, primary: String, candidate: String?, candidatePercent: Int, by actor: String) async throws {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            var ids: [String: Int64] = [:]
            for version in [primary] + (candidate.map { [$0] } ?? []) {
                let rows = try await connection.query(
                    "SELECT model_id, state FROM rec_models WHERE tenant_id = \(tenantID) AND version = \(version) FOR SHARE", logger: logger)
                var found: (Int64, String)?
                for try await row in rows.decode((Int64, String).self) { found = row }
                guard let found else { throw RolloutProblem.unknownVersion(version) }
                guard found.1 == "ready" else { throw RolloutProblem.notReady(version) }
                ids[version] = found.0
            }
            let candidateID = candidate.flatMap { ids[$0] }
            try await connection.query(
                """
                INSERT INTO rec_rollouts (tenant_id, primary_model_id, candidate_model_id, candidate_percent, updated_at, updated_by)
                VALUES (\(tenantID), \(ids[primary]!), \(candidateID), \(candidateID == nil ? 0 : candidatePercent), now(), \(actor))
                ON CONFLICT (tenant_id) DO UPDATE SET primary_model_id = excluded.primary_model_id,
                    candidate_model_id = excluded.candidate_model_id, candidate_percent = excluded.candidate_percent,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, logger: logger)
        }
    }
}
