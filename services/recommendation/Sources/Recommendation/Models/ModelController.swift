import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `/v1/models` (the tenant's trained models, with their offline figures) and
/// `/v1/recommendations/rollout` (which of them serve, and the candidate's share). Anyone of
/// the tenant reads; only an admin changes the rollout.
struct ModelController {
    let store: ModelStore
    let rollouts: RolloutTable

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/models", use: list)
        router.get("/v1/recommendations/rollout", use: showRollout)
        router.put("/v1/recommendations/rollout", use: saveRollout)
    }

    struct Listed: ResponseEncodable {
        let models: [Shown]
    }

    struct Shown: Encodable {
        let record: ModelRecord

        enum CodingKeys: String, CodingKey {
            case version, state, players, games, interactions, parameters, metrics
            case createdAt = "created_at"
            case readyAt = "ready_at"
            case windowFrom = "window_from"
            case windowTo = "window_to"
            case artifact
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(record.version, forKey: .version)
            try container.encode(record.state, forKey: .state)
            try container.encode(record.players, forKey: .players)
            try container.encode(record.games, forKey: .games)
            try container.encode(record.interactions, forKey: .interactions)
            try container.encode(try JSONDecoder().decode(JSONValue.self, from: Data(record.parameters.utf8)), forKey: .parameters)
            try container.encode(try JSONDecoder().decode(JSONValue.self, from: Data(record.metrics.utf8)), forKey: .metrics)
            try container.encode(RFC3339Millis.string(record.createdAt), forKey: .createdAt)
            try container.encodeIfPresent(record.readyAt.map(RFC3339Millis.string), forKey: .readyAt)
            try container.encode(RFC3339Millis.string(record.windowFrom), forKey: .windowFrom)
            try container.encode(RFC3339Millis.string(record.windowTo), forKey: .windowTo)
            try container.encode(record.artifactKey, forKey: .artifact)
        }
    }

    struct ShownRollout: ResponseEncodable {
        let primary: String
        let candidate: String?
        let candidatePercent: Int
        let updatedAt: String
        let updatedBy: String

        enum CodingKeys: String, CodingKey {
            case primary, candidate
            case candidatePercent = "candidate_percent"
            case updatedAt = "updated_at"
            case updatedBy = "updated_by"
        }

        init(_ rollout: Rollout) {
            primary = rollout.primary.version
            candidate = rollout.candidate?.version
            candidatePercent = rollout.candidatePercent
            updatedAt = RFC3339Millis.string(rollout.updatedAt)
            updatedBy = rollout.updatedBy
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(primary, forKey: .primary)
            try container.encode(candidate, forKey: .candidate)
            try container.encode(candidatePercent, forKey: .candidatePercent)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encode(updatedBy, forKey: .updatedBy)
        }
    }

    struct RolloutChange: Decodable {
        let primary: String
        let candidate: String?
        let candidatePercent: Int?

        enum CodingKeys: String, CodingKey {
            case primary, candidate
            case candidatePercent = "candidate_percent"
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listed {
        let identity = try context.requireIdentity(.viewer)
        return Listed(models: try await store.models(tenantID: identity.tenantID).map(Shown.init))
    }

    @Sendable func showRollout(_ request: Request, context: AppRequestContext) async throws -> ShownRollout {
        let identity = try context.requireIdentity(.viewer)
        guard let rollout = rollouts.rollout(tenantID: identity.tenantID) else {
            throw APIError.notFound("The tenant has no trained model yet.")
        }
        return ShownRollout(rollout)
    }

    @Sendable func saveRollout(_ request: Request, context: AppRequestContext) async throws -> ShownRollout {
        let identity = try context.requireIdentity(.admin)
        let change = try await JSONBody.decode(RolloutChange.self, from: request, context: context)
        var errors: [FieldError] = []
        let percent = change.candidatePercent ?? 0
        if !(0...100).contains(percent) { errors.append(FieldError(field: "candidate_percent", reason: "out_of_range", detail: "0...100")) }
        if change.candidate == nil && percent != 0 {
            errors.append(FieldError(field: "candidate_percent", reason: "not_allowed", detail: "a share needs a candidate"))
        }
        if let candidate = change.candidate, candidate == change.primary {
            errors.append(FieldError(field: "candidate", reason: "invalid", detail: "the candidate must differ from the primary"))
        }
        guard errors.isEmpty else { throw APIError.badRequest("The rollout is not valid.", code: "invalid_rollout", details: errors) }
        do {
            try await store.setRollout(tenantID: identity.tenantID, primary: change.primary, candidate: change.candidate, candidatePercent: percent, by: identity.subject)
        } catch let problem as ModelStore.RolloutProblem {
            switch problem {
            case .unknownVersion(let version):
                throw APIError.badRequest("The tenant has no model \(version).", code: "unknown_model", details: [FieldError(field: "version", reason: "unknown", detail: version)])
            case .notReady(let version):
                throw APIError(.conflict, code: "model_not_ready", message: "The model \(version) is not ready to serve.")
            }
        }
        try await rollouts.reload()
        guard let rollout = rollouts.rollout(tenantID: identity.tenantID) else { throw APIError.notFound() }
        return ShownRollout(rollout)
    }
}
