import Testing

@testable import GameMetricsRecommender

@Suite("Folding in a trained player's own history gives back their vector and their recommendations")
struct FoldInTests {
    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0
        var normA: Float = 0
        var normB: Float = 0
        for index in a.indices {
            dot += a[index] * b[index]
            normA += a[index] * a[index]
            normB += b[index] * b[index]
        }
        return dot / (normA.squareRoot() * normB.squareRoot())
    }

    @Test("for players with at least five games: cosine above 0.9 and the same top five games")
    func matchesTrainedPlayers() {
        let model = PlantedFixture.model
        let training = PlantedFixture.split.training
        let foldIn = FoldIn(model: model, parameters: PlantedFixture.parameters)
        var compared = 0
        var sameTopFive = 0
        var sameSet = 0
        for player in 0..<200 {
            let (games, counts) = training.games(ofPlayer: player)
            guard games.count >= 5 else { continue }
            let history = zip(games, counts).map { (gameIndex: $0, count: $1) }
            let vector = foldIn.playerVector(history: history)
            let trained = Array(model.playerVector(player))
            #expect(Self.cosine(vector, trained) > 0.9, "player \(player)")
            let played = Set(games)
            let byFoldIn = GameScoring.topGames(
                for: vector, gameFactors: model.gameFactors, factors: model.factors, k: 5, excluding: played)
            let byModel = GameScoring.topGames(forPlayer: player, model: model, k: 5, excluding: played)
            compared += 1
            if byFoldIn.map(\.gameIndex) == byModel.map(\.gameIndex) { sameTopFive += 1 }
            if Set(byFoldIn.map(\.gameIndex)) == Set(byModel.map(\.gameIndex)) { sameSet += 1 }
        }
        #expect(compared > 100)
        #expect(sameSet == compared, "\(sameSet) of \(compared) with the same five games")
        #expect(Double(sameTopFive) >= 0.9 * Double(compared), "\(sameTopFive) of \(compared) in the same order")
    }

    @Test("duplicate games are summed, unknown games ignored, an empty history gives the zero vector")
    func historyHandling() {
        let foldIn = FoldIn(model: PlantedFixture.model, parameters: PlantedFixture.parameters)
        let summed = foldIn.playerVector(history: [(3, 2), (7, 1), (3, 1)])
        let once = foldIn.playerVector(history: [(3, 3), (7, 1), (100_000, 5), (-1, 1)])
        #expect(summed == once)
        #expect(foldIn.playerVector(history: []) == [Float](repeating: 0, count: 16))
    }
}
