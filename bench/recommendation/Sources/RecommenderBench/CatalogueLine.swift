/// One line of `player-simulator --print-catalogue`: a tenant's games (only their ids are used).
struct CatalogueLine: Decodable {
    struct Game: Decodable {
        var game_id: String
    }

    var tenant_id: String
    var games: [Game]
}
