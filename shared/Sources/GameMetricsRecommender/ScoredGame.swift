/// A game and its score in a ranking (a dot product, or a count of players for popularity).
public struct ScoredGame: Sendable, Hashable {
    public var gameIndex: Int32
    public var score: Float

    public init(gameIndex: Int32, score: Float) {
        self.gameIndex = gameIndex
        self.score = score
    }
}
