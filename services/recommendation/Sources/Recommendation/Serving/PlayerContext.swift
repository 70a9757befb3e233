/// What serving knows of a player under one model: their trained vector and the games it was
/// trained on (if the model knows them), and the games they played since (`rec_recent_plays`).
struct PlayerContext: Sendable, Equatable {
    var vector: [Float]?
    var trainedOn: [String]
    var recentPlays: [String: Int]

    /// Games the player already plays: never recommended to them.
    var played: Set<String> { Set(trainedOn).union(recentPlays.keys) }
}
