import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `/v1/players`: profiles of the caller's tenant. A player of another tenant does not exist
/// for the caller (404), whatever its id.
struct PlayerController<Repository: PlayerRepository> {
    let repository: Repository

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group
            .post(use: create)
            .get(use: list)
            .get(":player_id", use: get)
            .patch(":player_id", use: update)
            .delete(":player_id", use: delete)
    }

    struct PlayerList: ResponseEncodable {
        let players: [Player]
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Player> {
        let identity = try context.requireIdentity(.operator)
        let player = try await request.decode(as: NewPlayer.self, context: context)
        let errors = player.validationErrors()
        guard errors.isEmpty else {
            throw APIError.badRequest("The player is not valid.", code: "invalid_player", details: errors)
        }
        guard let created = try await repository.create(player, tenant: identity.tenantID) else {
            throw APIError(.conflict, code: "player_exists", message: "A player with this player_id exists.")
        }
        return EditedResponse(status: .created, response: created)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Player {
        let identity = try context.requireIdentity(.viewer)
        guard let player = try await repository.get(try playerID(context), tenant: identity.tenantID) else {
            throw APIError.notFound("No such player.")
        }
        return player
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Player {
        let identity = try context.requireIdentity(.operator)
        let fields = try await request.decode(as: PlayerFields.self, context: context)
        let errors = fields.validationErrors()
        guard errors.isEmpty else {
            throw APIError.badRequest("The changes are not valid.", code: "invalid_player", details: errors)
        }
        guard let player = try await repository.update(try playerID(context), tenant: identity.tenantID, with: fields) else {
            throw APIError.notFound("No such player.")
        }
        return player
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let identity = try context.requireIdentity(.admin)
        guard try await repository.delete(try playerID(context), tenant: identity.tenantID) else {
            throw APIError.notFound("No such player.")
        }
        return .noContent
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PlayerList {
        let identity = try context.requireIdentity(.viewer)
        let parameters = request.uri.queryParameters
        let limitText = parameters.get("limit") ?? "50"
        guard let limit = Int(limitText), (1...200).contains(limit) else {
            throw APIError.badRequest("limit must be 1 to 200.", code: "invalid_query", details: [FieldError(field: "limit", reason: "out_of_range")])
        }
        let query = PlayerQuery(playerIDPrefix: parameters.get("prefix"), displayNamePrefix: parameters.get("name"), limit: limit)
        for (field, value) in [("prefix", query.playerIDPrefix), ("name", query.displayNamePrefix)] {
            guard let value else { continue }
            if value.unicodeScalars.contains("\u{0}") {
                throw APIError.badRequest("\(field) is not valid.", code: "invalid_query", details: [FieldError(field: field, reason: "invalid_character")])
            }
            if value.unicodeScalars.count > 128 {
                throw APIError.badRequest("\(field) is longer than 128 characters.", code: "invalid_query", details: [FieldError(field: field, reason: "too_long")])
            }
        }
        return PlayerList(players: try await repository.list(query, tenant: identity.tenantID))
    }

    private func playerID(_ context: AppRequestContext) throws -> String {
        guard let id = context.parameters.percentDecoded("player_id"), PlayerIdentifier.validate(id) == nil else {
            throw APIError.notFound("No such player.")
        }
        return id
    }
}
