import Testing

@testable import GameMetricsRecommender

@Suite("The hold-out split keeps a fifth of each eligible player's games aside, reproducibly")
struct HoldOutSplitTests {
    static func matrix() -> InteractionMatrix {
        // Player p has p + 1 distinct games (0...p), so players 0 and 1 are too small to evaluate.
        var interactions: [Interaction] = []
        for player in 0..<12 {
            for game in 0...player { interactions.append(Interaction(playerIndex: Int32(player), gameIndex: Int32(game), count: 2)) }
        }
        return InteractionMatrix(players: 12, games: 12, interactions: interactions)
    }

    @Test("counts held out: round(20 %), at least one; small players untouched; nothing lost")
    func heldOutCounts() {
        let matrix = Self.matrix()
        let split = HoldOutSplit(matrix: matrix, seed: 5)
        #expect(split.heldOut[0] == nil && split.heldOut[1] == nil)
        #expect(split.training.games(ofPlayer: 1).games.count == 2)
        for player in 2..<12 {
            let distinct = player + 1
            let expected = max(1, Int((0.2 * Double(distinct)).rounded()))
            let held = split.heldOut[Int32(player)] ?? []
            #expect(held.count == expected, "player \(player)")
            let kept = Set(split.training.games(ofPlayer: player).games)
            #expect(kept.isDisjoint(with: held))
            #expect(kept.union(held) == Set((0...player).map { Int32($0) }))
        }
        #expect(split.training.nonZeros + split.heldOut.values.map(\.count).reduce(0, +) == matrix.nonZeros)
    }

    @Test("the same seed gives the same split, another seed another one")
    func seeded() {
        let matrix = Self.matrix()
        #expect(HoldOutSplit(matrix: matrix, seed: 5).heldOut == HoldOutSplit(matrix: matrix, seed: 5).heldOut)
        #expect(HoldOutSplit(matrix: matrix, seed: 5).heldOut != HoldOutSplit(matrix: matrix, seed: 6).heldOut)
    }
}
