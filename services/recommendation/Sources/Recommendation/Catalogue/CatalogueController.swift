import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `/v1/games`: the caller's tenant's catalogue. Anyone of the tenant reads it; operators and
/// admins describe games, alone or up to ``maxBatch`` at once.
struct CatalogueController {
    static let maxBatch = 1_000
    let store: CatalogueStore

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/games", use: list)
        router.put("/v1/games", use: saveBatch)
        router.get("/v1/games/{game_id}", use: show)
        router.put("/v1/games/{game_id}", use: save)
    }

    struct Listed: ResponseEncodable {
        let games: [CatalogueGame]
        let nextAfter: String?

        enum CodingKeys: String, CodingKey {
            case games
            case nextAfter = "next_after"
        }
    }

    struct Batch: Decodable {
        let games: [CatalogueGame]
    }

    struct Saved: ResponseEncodable {
        let saved: Int
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listed {
        let identity = try context.requireIdentity(.viewer)
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        var limit = 100
        if let text = query["limit"] {
            if let value = Int(text), (1...1_000).contains(value) { limit = value } else { errors.append(FieldError(field: "limit", reason: "out_of_range", detail: "1...1000")) }
        }
        var enabled: Bool?
        if let text = query["enabled"] {
            switch text {
            case "true": enabled = true
            case "false": enabled = false
            default: errors.append(FieldError(field: "enabled", reason: "invalid", detail: "true or false"))
            }
        }
        let after = query["after"].map(String.init)
        if let after, let reason = CatalogueGame.idProblem(after) { errors.append(FieldError(field: "after", reason: reason)) }
        guard errors.isEmpty else { throw APIError.badRequest("The query is not valid.", code: "invalid_query", details: errors) }
        let page = try await store.page(tenantID: identity.tenantID, after: after, limit: limit, enabled: enabled)
        return Listed(games: page.games, nextAfter: page.nextAfter)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> CatalogueGame {
        let identity = try context.requireIdentity(.viewer)
        let gameID = try Self.gameID(context)
        guard let game = try await store.game(tenantID: identity.tenantID, gameID: gameID) else {
            throw APIError.notFound("The tenant's catalogue has no game \(gameID).")
        }
        return game
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> CatalogueGame {
        let identity = try context.requireIdentity(.operator)
        let gameID = try Self.gameID(context)
        var game = try await JSONBody.decode(CatalogueGame.self, from: request, context: context)
        if !game.gameID.isEmpty && game.gameID != gameID {
            throw APIError.badRequest("The body's game_id differs from the path's.", code: "invalid_game", details: [FieldError(field: "game_id", reason: "mismatch")])
        }
        game.gameID = gameID
        let errors = game.problems()
        guard errors.isEmpty else { throw APIError.badRequest("The game is not valid.", code: "invalid_game", details: errors) }
        try await store.save([game], tenantID: identity.tenantID)
        guard let saved = try await store.game(tenantID: identity.tenantID, gameID: gameID) else { throw APIError.notFound() }
        return saved
    }

    @Sendable func saveBatch(_ request: Request, context: AppRequestContext) async throws -> Saved {
        let identity = try context.requireIdentity(.operator)
        // About 300 bytes a game: room for a full batch.
        let batch = try await JSONBody.decode(Batch.self, from: request, context: context, limit: 1_048_576)
        var errors: [FieldError] = []
        if batch.games.isEmpty || batch.games.count > Self.maxBatch {
            errors.append(FieldError(field: "games", reason: "out_of_range", detail: "1...\(Self.maxBatch) games"))
        }
        var seen = Set<String>()
        for (index, game) in batch.games.enumerated() {
            errors += game.problems(prefix: "games[\(index)].")
            if !seen.insert(game.gameID).inserted { errors.append(FieldError(field: "games[\(index)].game_id", reason: "duplicate")) }
            if errors.count >= 20 { break }
        }
        guard errors.isEmpty else { throw APIError.badRequest("The games are not valid.", code: "invalid_games", details: errors) }
        try await store.save(batch.games, tenantID: identity.tenantID)
        return Saved(saved: batch.games.count)
    }

    static func gameID(_ context: AppRequestContext) throws -> String {
        let gameID = context.parameters.get("game_id") ?? ""
        if let reason = CatalogueGame.idProblem(gameID) {
            throw APIError.badRequest("The game id is not valid.", code: "invalid_game_id", details: [FieldError(field: "game_id", reason: reason)])
        }
        return gameID
    }
}
