/// The fields of a `player-simulator --dry-run` line that the play history needs.
struct DryRunEvent: Decodable {
    var player_id: String
    var game_id: String?
    var occurred_at: String
}
