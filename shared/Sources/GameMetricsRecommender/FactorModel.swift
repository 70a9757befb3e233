/// A trained model: one vector of `factors` floats per player and per game, flat and row-major
/// (`playerFactors[p * factors ..< (p + 1) * factors]` is player p). A player's predicted
/// preference for a game is the dot product of their vectors.
public struct FactorModel: Sendable, Equatable {
    public let factors: Int
    public let players: Int
    public let games: Int
    public let playerFactors: [Float]
    public let gameFactors: [Float]

    public init(factors: Int, players: Int, games: Int, playerFactors: [Float], gameFactors: [Float]) {
        precondition(factors > 0 && playerFactors.count == players * factors && gameFactors.count == games * factors)
        self.factors = factors
        self.players = players
        self.games = games
        self.playerFactors = playerFactors
        self.gameFactors = gameFactors
    }

    public func playerVector(_ player: Int) -> ArraySlice<Float> {
        playerFactors[player * factors..<(player + 1) * factors]
    }

    public func gameVector(_ game: Int) -> ArraySlice<Float> {
        gameFactors[game * factors..<(game + 1) * factors]
    }

    /// The predicted preference of `player` for `game`.
    public func score(player: Int, game: Int) -> Float {
        var sum: Float = 0
        for index in 0..<factors { sum += playerFactors[player * factors + index] * gameFactors[game * factors + index] }
        return sum
    }
}
