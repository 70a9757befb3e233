import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `GET /v1/players/{player_id}/recommendations?limit=k` and `POST /v1/recommendations/batch`:
/// lists for players of the caller's tenant (any role of it).
struct RecommendationsController {
    static let limits = 1...100
    static let defaultLimit = 10
    static let maxBatchPlayers = 100
    let engine: RecommendationEngine

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/players/{player_id}/recommendations", use: forPlayer)
        router.post("/v1/recommendations/batch", use: forPlayers)
    }

    struct BatchRequest: Decodable {
        let playerIDs: [String]
        let limit: Int?

        enum CodingKeys: String, CodingKey {
            case playerIDs = "player_ids"
            case limit
        }
    }

    struct BatchAnswer: ResponseEncodable {
        let results: [ServedList]
    }

    @Sendable func forPlayer(_ request: Request, context: AppRequestContext) async throws -> ServedList {
        let identity = try context.requireIdentity(.viewer)
        let playerID = context.parameters.get("player_id") ?? ""
        var errors: [FieldError] = []
        if let reason = CatalogueGame.idProblem(playerID) { errors.append(FieldError(field: "player_id", reason: reason)) }
        var limit = Self.defaultLimit
        if let text = request.uri.queryParameters["limit"] {
            if let value = Int(text), Self.limits.contains(value) { limit = value } else { errors.append(Self.limitError) }
        }
        guard errors.isEmpty else { throw APIError.badRequest("The request is not valid.", code: "invalid_request", details: errors) }
        return try await engine.recommend(tenantID: identity.tenantID, playerID: playerID, limit: limit)
    }

    @Sendable func forPlayers(_ request: Request, context: AppRequestContext) async throws -> BatchAnswer {
        let identity = try context.requireIdentity(.viewer)
        let batch = try await JSONBody.decode(BatchRequest.self, from: request, context: context)
        var errors: [FieldError] = []
        if batch.playerIDs.isEmpty || batch.playerIDs.count > Self.maxBatchPlayers {
            errors.append(FieldError(field: "player_ids", reason: "out_of_range", detail: "1...\(Self.maxBatchPlayers) players"))
        }
        for (index, player) in batch.playerIDs.enumerated() {
            if let reason = CatalogueGame.idProblem(player) { errors.append(FieldError(field: "player_ids[\(index)]", reason: reason)) }
        }
        if let limit = batch.limit, !Self.limits.contains(limit) { errors.append(Self.limitError) }
        if Set(batch.playerIDs).count != batch.playerIDs.count { errors.append(FieldError(field: "player_ids", reason: "duplicate")) }
        guard errors.isEmpty else { throw APIError.badRequest("The request is not valid.", code: "invalid_request", details: Array(errors.prefix(20))) }
        let limit = batch.limit ?? Self.defaultLimit
        // A few at a time: one batch must not take every connection of the pool from the others.
        var results: [ServedList] = []
        results.reserveCapacity(batch.playerIDs.count)
        for chunk in stride(from: 0, to: batch.playerIDs.count, by: 4).map({ Array(batch.playerIDs[$0..<min($0 + 4, batch.playerIDs.count)]) }) {
            let lists = try await withThrowingTaskGroup(of: (Int, ServedList).self) { group in
                for (index, player) in chunk.enumerated() {
                    group.addTask { (index, try await engine.recommend(tenantID: identity.tenantID, playerID: player, limit: limit)) }
                }
                var lists = [ServedList?](repeating: nil, count: chunk.count)
                for try await (index, list) in group { lists[index] = list }
                return lists.compactMap { $0 }
            }
            results += lists
        }
        return BatchAnswer(results: results)
    }

    static let limitError = FieldError(field: "limit", reason: "out_of_range", detail: "\(limits.lowerBound)...\(limits.upperBound)")
}
