import Foundation
import Testing

@testable import GameMetricsRecommender

@Suite("Recall@k, NDCG@k and the offline evaluation give the hand-computed figures")
struct RankingMetricsTests {
    let ranked: [Int32] = [5, 1, 7, 3]
    let relevant: Set<Int32> = [1, 3, 9]

    @Test("recall is hits in the top k over all relevant games")
    func recall() {
        #expect(RankingMetrics.recall(ranked: ranked, relevant: relevant, k: 1) == 0)
        #expect(RankingMetrics.recall(ranked: ranked, relevant: relevant, k: 3) == 1.0 / 3)
        #expect(RankingMetrics.recall(ranked: ranked, relevant: relevant, k: 4) == 2.0 / 3)
        #expect(RankingMetrics.recall(ranked: ranked, relevant: [], k: 4) == 0)
    }

    @Test("NDCG discounts a hit at rank r by log2(r + 1) and divides by the ideal ranking's DCG")
    func ndcg() {
        // k = 3: one hit at rank 2. DCG = 1/log2(3) = 0.630930; IDCG = 1 + 1/log2(3) + 1/log2(4) = 2.130930.
        #expect(abs(RankingMetrics.ndcg(ranked: ranked, relevant: relevant, k: 3) - 0.296_082) < 1e-6)
        // k = 4: hits at ranks 2 and 4. DCG = 0.630930 + 1/log2(5) = 1.061606; IDCG as above (3 relevant).
        #expect(abs(RankingMetrics.ndcg(ranked: ranked, relevant: relevant, k: 4) - 0.498_189) < 1e-6)
        // k = 2: one hit at rank 2; IDCG over min(2, 3) = 2 ranks = 1.630930.
        #expect(abs(RankingMetrics.ndcg(ranked: ranked, relevant: relevant, k: 2) - 0.386_853) < 1e-6)
        #expect(RankingMetrics.ndcg(ranked: [1, 3, 9], relevant: relevant, k: 3) == 1)
    }

    @Test("two players, four games: the model's and popularity's figures and the lift")
    func tinyEvaluation() {
        // Player 0 played game 0, player 1 games 0 and 1: popularity ranks 0, 1, 2, 3.
        let training = InteractionMatrix(
            players: 2, games: 4,
            interactions: [
                Interaction(playerIndex: 0, gameIndex: 0, count: 1), Interaction(playerIndex: 1, gameIndex: 0, count: 1),
                Interaction(playerIndex: 1, gameIndex: 1, count: 4),
            ])
        let split = HoldOutSplit(training: training, heldOut: [0: [3], 1: [2]])
        // One factor: player 0 likes high game factors (ranks 3, 2, 1), player 1 low ones (2, 3).
        let model = FactorModel(factors: 1, players: 2, games: 4, playerFactors: [1, -1], gameFactors: [0.1, 0.2, 0.5, 0.9])
        let evaluation = OfflineEvaluation.evaluate(split: split, model: model, k: 2)
        // Model: both players' held-out game first → recall 1, NDCG 1.
        #expect(evaluation.model == RankingMetrics(recall: 1, ndcg: 1, players: 2))
        // Popularity: player 0 gets [1, 2] (miss), player 1 gets [2, 3] (hit first) → 0.5, 0.5.
        #expect(evaluation.popularity == RankingMetrics(recall: 0.5, ndcg: 0.5, players: 2))
        #expect(evaluation.recallLift == 1)
        #expect(evaluation.ndcgLift == 1)
    }
}
