/// The model against the popularity baseline on a hold-out split: each evaluated player's top-k
/// by each recommender, both leaving out the player's training games, scored against the
/// held-out games (`RankingMetrics` says how).
public struct OfflineEvaluation: Sendable, Codable, Equatable {
    public var k: Int
    public var model: RankingMetrics
    public var popularity: RankingMetrics
    /// (model − popularity) / popularity, e.g. 0.25 for 25 % better; infinite if the baseline is 0.
    public var recallLift: Double
    public var ndcgLift: Double

    public init(k: Int, model: RankingMetrics, popularity: RankingMetrics) {
        self.k = k
        self.model = model
        self.popularity = popularity
        recallLift = (model.recall - popularity.recall) / popularity.recall
        ndcgLift = (model.ndcg - popularity.ndcg) / popularity.ndcg
    }

    /// Evaluates `model` (trained on `split.training`) and the popularity of `split.training`.
    public static func evaluate(split: HoldOutSplit, model: FactorModel, k: Int = 10) -> OfflineEvaluation {
        let popularity = PopularityRanking(matrix: split.training)
        let players = split.heldOut.keys.sorted()
        // Per player: model recall, model NDCG, popularity recall, popularity NDCG.
        var figures = [Double](repeating: 0, count: players.count * 4)
        let chunks = Kernels.ranges(players.count, parts: 64)
        figures.withUnsafeMutableBufferPointer { figures in
            Parallel.forEach(chunks.count) { chunk in
                for position in chunks[chunk] {
                    let player = players[position]
                    let relevant = Set(split.heldOut[player]!)
                    let played = Set(split.training.games(ofPlayer: Int(player)).games)
                    let byModel = GameScoring.topGames(forPlayer: Int(player), model: model, k: k, excluding: played)
                        .map(\.gameIndex)
                    let byPopularity = popularity.topGames(k: k, excluding: played).map(\.gameIndex)
                    figures[position * 4] = RankingMetrics.recall(ranked: byModel, relevant: relevant, k: k)
                    figures[position * 4 + 1] = RankingMetrics.ndcg(ranked: byModel, relevant: relevant, k: k)
                    figures[position * 4 + 2] = RankingMetrics.recall(ranked: byPopularity, relevant: relevant, k: k)
                    figures[position * 4 + 3] = RankingMetrics.ndcg(ranked: byPopularity, relevant: relevant, k: k)
                }
            }
        }
        func mean(_ column: Int) -> Double {
            guard !players.isEmpty else { return 0 }
            var sum = 0.0
            for position in 0..<players.count { sum += figures[position * 4 + column] }
            return sum / Double(players.count)
        }
        return OfflineEvaluation(
            k: k, model: RankingMetrics(recall: mean(0), ndcg: mean(1), players: players.count),
            popularity: RankingMetrics(recall: mean(2), ndcg: mean(3), players: players.count))
    }
}
