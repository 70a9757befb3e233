/// The baseline recommender: games ranked by how many distinct players played them in the
/// training matrix (ties to the lower game index).
public struct PopularityRanking: Sendable {
    /// Every game, most popular first.
    public let ranked: [ScoredGame]

    public init(matrix: InteractionMatrix) {
        let scored = (0..<matrix.games).map { game in
            ScoredGame(gameIndex: Int32(game), score: Float(matrix.gameOffsets[game + 1] - matrix.gameOffsets[game]))
        }
        ranked = scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.gameIndex < $1.gameIndex) }
    }

    /// The `k` most popular games outside `excluded`.
    public func topGames(k: Int, excluding excluded: Set<Int32> = []) -> [ScoredGame] {
        var result: [ScoredGame] = []
        for game in ranked where result.count < k && !excluded.contains(game.gameIndex) { result.append(game) }
        return result
    }
}
