/// One game of a served list: its id, the model's score (the inner product of player and game
/// vectors; absent for popularity) and what the catalogue says of it.
struct RecommendedGame: Sendable, Equatable, Codable {
    var gameID: String
    var score: Double?
    var name: String?
    var provider: String?
    var category: String?

    enum CodingKeys: String, CodingKey {
        case gameID = "game_id"
        case score, name, provider, category
    }
}
