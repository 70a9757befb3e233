import Testing

@testable import GameMetricsRecommender

@Suite("Exact top-k and the popularity baseline rank games and leave out what was played")
struct RankingTests {
    @Test("top-k by dot product, best first, excluded games left out, ties to the lower index")
    func topByDotProduct() {
        // Two factors; the query (1, 0) scores each game by its first factor.
        let gameFactors: [Float] = [0.5, 9, 0.9, 0, 0.1, 0, 0.9, 1, 0.7, 0]
        let top = GameScoring.topGames(for: [1, 0], gameFactors: gameFactors, factors: 2, k: 3, excluding: [4])
        #expect(top.map(\.gameIndex) == [1, 3, 0])
        #expect(top.map(\.score) == [0.9, 0.9, 0.5])
        #expect(GameScoring.topGames(for: [1, 0], gameFactors: gameFactors, factors: 2, k: 10).count == 5)
        #expect(GameScoring.topGames(for: [1, 0], gameFactors: gameFactors, factors: 2, k: 0).isEmpty)
    }

    @Test("popularity counts distinct players, not plays")
    func popularity() {
        let matrix = InteractionMatrix(
            players: 3, games: 3,
            interactions: [
                Interaction(playerIndex: 0, gameIndex: 2, count: 100), Interaction(playerIndex: 0, gameIndex: 1, count: 1),
                Interaction(playerIndex: 1, gameIndex: 1, count: 1), Interaction(playerIndex: 2, gameIndex: 0, count: 1),
            ])
        let ranking = PopularityRanking(matrix: matrix)
        #expect(ranking.ranked == [ScoredGame(gameIndex: 1, score: 2), ScoredGame(gameIndex: 0, score: 1), ScoredGame(gameIndex: 2, score: 1)])
        #expect(ranking.topGames(k: 2, excluding: [1]).map(\.gameIndex) == [0, 2])
    }
}
