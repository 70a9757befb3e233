import GameMetricsRecommender
import Testing

@testable import Recommendation

@Suite("Training scores each λ on a reproducible sample of the held-out players")
struct TrainingEvaluationTests {
    @Test("the sample is evenly spread, the same every time, and the training matrix stays whole")
    func sampledSplit() {
        let interactions = (0..<500).flatMap { player in
            (0..<6).map { Interaction(playerIndex: Int32(player), gameIndex: Int32((player + $0) % 40), count: 1) }
        }
        let split = HoldOutSplit(matrix: InteractionMatrix(players: 500, games: 40, interactions: interactions), seed: 1)
        let sample = ModelTrainer.sampled(split, players: 50)
        #expect(sample.heldOut.count == 50)
        #expect(sample.heldOut.keys.allSatisfy { split.heldOut[$0] == sample.heldOut[$0] })
        #expect(sample.heldOut.keys.min()! < 20 && sample.heldOut.keys.max()! > 480, "spread over all players")
        #expect(ModelTrainer.sampled(split, players: 50).heldOut == sample.heldOut)
        #expect(sample.training.nonZeros == split.training.nonZeros)
        #expect(ModelTrainer.sampled(split, players: 1_000).heldOut.count == split.heldOut.count)
    }
}
