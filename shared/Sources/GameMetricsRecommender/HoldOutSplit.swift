/// A per-player hold-out: for every player with at least `minimumGames` distinct games, a seeded
/// random `fraction` of them (rounded, at least 1, always leaving at least one) is removed from
/// the training matrix and kept as that player's relevant set. Players with fewer games stay whole
/// in training and are not evaluated.
public struct HoldOutSplit: Sendable {
    public let training: InteractionMatrix
    /// Held-out games per evaluated player, ascending.
    public let heldOut: [Int32: [Int32]]

    public init(training: InteractionMatrix, heldOut: [Int32: [Int32]]) {
        self.training = training
        self.heldOut = heldOut
    }

    public init(matrix: InteractionMatrix, fraction: Double = 0.2, minimumGames: Int = 3, seed: UInt64) {
        precondition(fraction > 0 && fraction < 1 && minimumGames >= 2)
        var generator = SeededGenerator(seed: seed)
        var kept: [Interaction] = []
        kept.reserveCapacity(matrix.nonZeros)
        var heldOut: [Int32: [Int32]] = [:]
        for player in 0..<matrix.players {
            let (games, counts) = matrix.games(ofPlayer: player)
            let start = games.startIndex
            let distinct = games.count
            var chosen = Set<Int>()
            if distinct >= minimumGames {
                let holding = min(distinct - 1, max(1, Int((fraction * Double(distinct)).rounded())))
                var order = Array(0..<distinct)
                for index in 0..<holding {
                    order.swapAt(index, index + generator.nextIndex(below: distinct - index))
                    chosen.insert(order[index])
                }
                heldOut[Int32(player)] = chosen.map { games[start + $0] }.sorted()
            }
            for offset in 0..<distinct where !chosen.contains(offset) {
                kept.append(Interaction(playerIndex: Int32(player), gameIndex: games[start + offset], count: counts[start + offset]))
            }
        }
        training = InteractionMatrix(players: matrix.players, games: matrix.games, interactions: kept)
        self.heldOut = heldOut
    }
}
