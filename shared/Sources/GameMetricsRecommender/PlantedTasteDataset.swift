import Foundation

/// Synthetic play data with a taste structure planted in it, for tests and the bench: `games`
/// games with Zipf popularity (game 0 the most popular, weight 1/(rank + 1)^s); `clusters` tastes,
/// each liking `gamesPerCluster` games drawn at random; `players` players, each in one cluster.
/// A player makes between 1 and 2·`playsPerPlayer` − 1 draws (uniform); each draw picks a game from
/// the player's cluster (weighted by popularity) with probability `clusterShare`, from global
/// popularity with `popularShare`, otherwise uniformly at random (noise), and adds 1 + ⌊E⌋ plays
/// to it, E exponential with mean 2 (sessions are heavy-tailed). The same parameters give the same
/// data.
public struct PlantedTasteDataset: Sendable {
    public let players: Int
    public let games: Int
    public let clusters: Int
    public let zipfExponent: Double
    public let clusterShare: Double
    public let popularShare: Double
    /// Each player's cluster.
    public let playerCluster: [Int32]
    /// Each cluster's games, ascending.
    public let clusterGames: [[Int32]]
    /// One triple per draw (a (player, game) pair can repeat; the matrix sums them).
    public let interactions: [Interaction]

    public init(
        players: Int, games: Int, clusters: Int, playsPerPlayer: Int = 20, gamesPerCluster: Int? = nil,
        zipfExponent: Double = 1.0, clusterShare: Double = 0.7, popularShare: Double = 0.2, seed: UInt64
    ) {
        precondition(players > 0 && games > 0 && clusters > 0 && playsPerPlayer > 0)
        precondition(clusterShare >= 0 && popularShare >= 0 && clusterShare + popularShare <= 1)
        self.players = players
        self.games = games
        self.clusters = clusters
        self.zipfExponent = zipfExponent
        self.clusterShare = clusterShare
        self.popularShare = popularShare
        var generator = SeededGenerator(seed: seed)
        let weights = (0..<games).map { 1 / pow(Double($0 + 1), zipfExponent) }
        let globalCumulative = Self.cumulative(weights)
        let perCluster = min(games, gamesPerCluster ?? max(5, 2 * games / clusters))
        var clusterGames: [[Int32]] = []
        var clusterCumulative: [[Double]] = []
        for _ in 0..<clusters {
            var order = Array(0..<games)
            for index in 0..<perCluster { order.swapAt(index, index + generator.nextIndex(below: games - index)) }
            let chosen = order.prefix(perCluster).sorted()
            clusterGames.append(chosen.map { Int32($0) })
            clusterCumulative.append(Self.cumulative(chosen.map { weights[$0] }))
        }
        var playerCluster = [Int32](repeating: 0, count: players)
        var interactions: [Interaction] = []
        interactions.reserveCapacity(players * playsPerPlayer)
        for player in 0..<players {
            let cluster = generator.nextIndex(below: clusters)
            playerCluster[player] = Int32(cluster)
            let draws = 1 + generator.nextIndex(below: 2 * playsPerPlayer - 1)
            for _ in 0..<draws {
                let choice = generator.nextUnit()
                let game: Int
                if choice < clusterShare {
                    game = Int(clusterGames[cluster][Self.sample(clusterCumulative[cluster], &generator)])
                } else if choice < clusterShare + popularShare {
                    game = Self.sample(globalCumulative, &generator)
                } else {
                    game = generator.nextIndex(below: games)
                }
                let sessions = 1 + (-2 * log(1 - generator.nextUnit())).rounded(.down)
                interactions.append(Interaction(playerIndex: Int32(player), gameIndex: Int32(game), count: Float(sessions)))
            }
        }
        self.playerCluster = playerCluster
        self.clusterGames = clusterGames
        self.interactions = interactions
    }

    /// The players × games matrix of the draws.
    public func matrix() -> InteractionMatrix {
        InteractionMatrix(players: players, games: games, interactions: interactions)
    }

    /// The distribution the draws come from, as a factor model: one factor per cluster, a player's
    /// vector the indicator of their cluster, a game's the probability that one draw of a player of
    /// each cluster picks it. Ranking by it is the best any recommender can do in expectation on
    /// this data: the ceiling the bench reports beside ALS and popularity.
    public func generatingModel() -> FactorModel {
        let weights = (0..<games).map { 1 / pow(Double($0 + 1), zipfExponent) }
        let total = weights.reduce(0, +)
        let noise = 1 - clusterShare - popularShare
        var gameFactors = [Float](repeating: 0, count: games * clusters)
        for cluster in 0..<clusters {
            let clusterTotal = clusterGames[cluster].map { weights[Int($0)] }.reduce(0, +)
            for game in 0..<games {
                gameFactors[game * clusters + cluster] = Float(popularShare * weights[game] / total + noise / Double(games))
            }
            for game in clusterGames[cluster] {
                gameFactors[Int(game) * clusters + cluster] += Float(clusterShare * weights[Int(game)] / clusterTotal)
            }
        }
        var playerFactors = [Float](repeating: 0, count: players * clusters)
        for player in 0..<players { playerFactors[player * clusters + Int(playerCluster[player])] = 1 }
        return FactorModel(factors: clusters, players: players, games: games, playerFactors: playerFactors, gameFactors: gameFactors)
    }

    private static func cumulative(_ weights: [Double]) -> [Double] {
        var total = 0.0
        return weights.map {
            total += $0
            return total
        }
    }

    /// An index drawn with probability proportional to its weight (binary search of the sums).
    private static func sample(_ cumulative: [Double], _ generator: inout SeededGenerator) -> Int {
        let target = generator.nextUnit() * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
