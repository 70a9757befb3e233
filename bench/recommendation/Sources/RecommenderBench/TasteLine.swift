/// One line of `player-simulator --print-taste`: a player's main taste cluster, the ground truth.
struct TasteLine: Decodable {
    var tenant_id: String
    var player_id: String
    var cluster: Int
}
