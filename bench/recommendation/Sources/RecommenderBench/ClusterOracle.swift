import GameMetricsRecommender

/// What knowing every player's true taste cluster is worth on the simulator's data: a factor
/// model with one factor per cluster, a player's vector the indicator of their (main) cluster, a
/// game's the share of the cluster's training plays it got. Not a recommender (the clusters are
/// the simulator's secret): an estimate of the ceiling that cluster structure allows, as the
/// planted bench's `oracle` is.
enum ClusterOracle {
    /// `clusterOfPlayer[p]` is player p's cluster in `0..<clusters`, or nil when unknown (such a
    /// player gets a zero vector and ranks games by index: the oracle is only asked about players
    /// whose cluster is known).
    static func model(training: InteractionMatrix, clusterOfPlayer: [Int?], clusters: Int) -> FactorModel {
        var totals = [Double](repeating: 0, count: clusters)
        var counts = [Double](repeating: 0, count: training.games * clusters)
        for player in 0..<training.players {
            guard let cluster = clusterOfPlayer[player] else { continue }
            let (games, plays) = training.games(ofPlayer: player)
            for (game, count) in zip(games, plays) {
                counts[Int(game) * clusters + cluster] += Double(count)
                totals[cluster] += Double(count)
            }
        }
        let gameFactors = counts.enumerated().map { slot, count in
            Float(totals[slot % clusters] > 0 ? count / totals[slot % clusters] : 0)
        }
        var playerFactors = [Float](repeating: 0, count: training.players * clusters)
        for player in 0..<training.players {
            if let cluster = clusterOfPlayer[player] { playerFactors[player * clusters + cluster] = 1 }
        }
        return FactorModel(
            factors: clusters, players: training.players, games: training.games, playerFactors: playerFactors, gameFactors: gameFactors)
    }
}
