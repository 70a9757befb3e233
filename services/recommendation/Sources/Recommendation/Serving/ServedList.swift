import Foundation
import Hummingbird

/// What a player is offered: the games, and which model and path produced them.
struct ServedList: Sendable, Equatable, Codable {
    /// How the list was made: the player's trained vector, a vector folded in from their recent
    /// plays, or the tenant's most played games (a player nobody knows yet: cold start).
    enum Source: String, Sendable, Codable {
        case model
        case foldIn = "fold_in"
        case popular
    }

    var playerID: String
    var modelVersion: String?
    var variant: String
    var source: Source
    var games: [RecommendedGame]
    var generatedAt: Date
    var cached: Bool = false

    enum CodingKeys: String, CodingKey {
        case playerID = "player_id"
        case modelVersion = "model_version"
        case variant, source, games
        case generatedAt = "generated_at"
        case cached
    }
}

extension ServedList: ResponseEncodable {}
