/// One observation of implicit feedback: a player played a game `count` times (sessions, rounds).
public struct Interaction: Sendable, Hashable {
    public var playerIndex: Int32
    public var gameIndex: Int32
    public var count: Float

    public init(playerIndex: Int32, gameIndex: Int32, count: Float) {
        self.playerIndex = playerIndex
        self.gameIndex = gameIndex
        self.count = count
    }
}
