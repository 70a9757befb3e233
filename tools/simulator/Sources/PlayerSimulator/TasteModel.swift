/// How one tenant's players choose games: the tenant's catalogue, its taste clusters, and a
/// sampler per cluster built once, so a choice costs O(1) however big the catalogue.
///
/// Every player belongs to one cluster (a hash of the seed and the player's number: stable,
/// and known without playing, for `--print-taste`); a quarter of players also lean towards a
/// second one. A session's game is one of the player's three favourites (repeat play) with
/// probability ``favouriteShare``; else one the cluster likes, weighted by √popularity ×
/// affinity (``clusterShare``); else a globally popular one (``popularShare``); else any
/// enabled game. Favourites are drawn the same way once, when a player is created.
struct TasteModel: Sendable {
    let catalogue: GameCatalogue
    let clusters: [TasteCluster]
    /// Cumulative shares of players per cluster.
    private let cumulativeSizes: [Double]
    private let clusterSamplers: [AliasTable]
    private let popularSampler: AliasTable
    private let enabledGames: [Int32]
    private let assignmentSeed: UInt64

    static let favouriteShare = 0.30
    static let clusterShare = 0.50
    static let popularShare = 0.15
    /// Share of players with a second cluster, and the share of their cluster choices it gets.
    static let secondClusterPlayers = 0.25
    static let secondClusterShare = 0.30
    /// Share of favourites drawn from the player's cluster (the rest are popular games).
    static let favouritesFromCluster = 0.80

    init(catalogue: GameCatalogue, clusterCount: Int, seed: UInt64) {
        precondition(clusterCount > 0)
        self.catalogue = catalogue
        var rng = SeededGenerator(seed: SeededGenerator.mix(seed ^ 0x7461_7374_6573_0000))
        let clusters = (0..<clusterCount).map { _ in TasteCluster.generate(&rng) }
        self.clusters = clusters
        let totalSize = clusters.reduce(0) { $0 + $1.size }
        var running = 0.0
        cumulativeSizes = clusters.map {
            running += $0.size / totalSize
            return running
        }
        clusterSamplers = clusters.map { cluster in
            AliasTable(weights: Self.clusterWeights(cluster, catalogue))
        }
        popularSampler = AliasTable(weights: catalogue.popularity)
        enabledGames = catalogue.games.indices.filter { catalogue.games[$0].enabled }.map { Int32($0) }
        assignmentSeed = SeededGenerator.mix(seed ^ 0x706C_6179_6572_0000)
    }

    /// The clusters of player `number` (1-based): its own, and the second one it leans to, if any.
    func clusters(ofPlayer number: Int) -> (main: Int, second: Int?) {
        let hash = SeededGenerator.mix(assignmentSeed &+ UInt64(number))
        let u = Double(hash >> 11) * 0x1p-53
        let main = cumulativeSizes.firstIndex { u < $0 } ?? clusters.count - 1
        let secondHash = SeededGenerator.mix(hash)
        guard clusters.count > 1, Double(secondHash >> 11) * 0x1p-53 < Self.secondClusterPlayers else { return (main, nil) }
        let other = Int((secondHash & 0xFFFF) % UInt64(clusters.count - 1))
        return (main, other >= main ? other + 1 : other)
    }

    /// A new player's favourite games.
    func favourites(cluster: Int, _ rng: inout SeededGenerator) -> InlineArray<3, Int32> {
        var favourites = InlineArray<3, Int32>(repeating: 0)
        for i in favourites.indices {
            favourites[i] = Int32(rng.chance(Self.favouritesFromCluster) ? clusterSamplers[cluster].sample(&rng) : popularSampler.sample(&rng))
        }
        return favourites
    }

    /// The game a player opens a session (or switches) to: an index into the catalogue's games.
    func chooseGame(for player: PlayerState, _ rng: inout SeededGenerator) -> Int {
        let r = rng.nextDouble()
        if r < Self.favouriteShare {
            return Int(player.favouriteGames[rng.nextInt(below: player.favouriteGames.count)])
        }
        if r < Self.favouriteShare + Self.clusterShare {
            let second = Int(player.secondCluster)
            let cluster = second >= 0 && rng.chance(Self.secondClusterShare) ? second : Int(player.cluster)
            return clusterSamplers[cluster].sample(&rng)
        }
        if r < Self.favouriteShare + Self.clusterShare + Self.popularShare {
            return popularSampler.sample(&rng)
        }
        return Int(enabledGames[rng.nextInt(below: enabledGames.count)])
    }

    /// How likely cluster `k`'s own choice is to land on each game (for tests and evaluation).
    func clusterProbabilities(_ k: Int) -> [Double] {
        let weights = Self.clusterWeights(clusters[k], catalogue)
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// √popularity × affinity: the square root keeps the tenant's hits from crowding out the
    /// games the cluster is about.
    private static func clusterWeights(_ cluster: TasteCluster, _ catalogue: GameCatalogue) -> [Double] {
        catalogue.games.indices.map { catalogue.popularity[$0].squareRoot() * cluster.affinity(catalogue.games[$0]) }
    }
}
