/// A group of players with a shared taste: a preference over categories (one main, one
/// second), over studios (a few favourites) and over volatility (one main). A game's
/// ``affinity(_:)`` is the product of the three, so a game matching on all of them is
/// hundreds of times likelier to be picked by the cluster than one matching none.
struct TasteCluster: Sendable, Equatable {
    /// By ``GameCategory/index``.
    var categoryPreference: [Double]
    /// By index into ``GameStudio/all``.
    var studioPreference: [Double]
    /// By position in ``GameVolatility/allCases``.
    var volatilityPreference: [Double]
    /// Relative number of players in the cluster.
    var size: Double

    static let mainCategoryShare = 0.65
    static let secondCategoryShare = 0.25
    static let favouriteStudios = 3
    static let favouriteStudiosShare = 0.75
    static let mainVolatilityShare = 0.70

    func affinity(_ game: CatalogueGame) -> Double {
        categoryPreference[game.category.index] * studioPreference[game.studio]
            * volatilityPreference[GameVolatility.allCases.firstIndex(of: game.volatility)!]
    }

    /// A random taste. The main category is drawn by the square root of the categories'
    /// catalogue shares (most clusters like slots, but not nearly all); the favourite studios
    /// among those making it.
    static func generate(_ rng: inout SeededGenerator) -> TasteCluster {
        let categories = GameCategory.allCases
        let softened = categories.map { $0.share.squareRoot() }
        var draw = rng.nextDouble() * softened.reduce(0, +)
        var main = categories.count - 1
        for (i, weight) in softened.enumerated() {
            if draw < weight {
                main = i
                break
            }
            draw -= weight
        }
        var second = rng.nextInt(below: categories.count - 1)
        if second >= main { second += 1 }
        let rest = (1 - mainCategoryShare - secondCategoryShare) / Double(categories.count - 2)
        var categoryPreference = Array(repeating: rest, count: categories.count)
        categoryPreference[main] = mainCategoryShare
        categoryPreference[second] = secondCategoryShare

        var candidates = GameStudio.makers[main].studios
        var favourites: [Int] = []
        while favourites.count < favouriteStudios && !candidates.isEmpty {
            favourites.append(candidates.remove(at: rng.nextInt(below: candidates.count)))
        }
        let others = GameStudio.all.count - favourites.count
        var studioPreference = Array(repeating: (1 - favouriteStudiosShare) / Double(max(1, others)), count: GameStudio.all.count)
        for studio in favourites { studioPreference[studio] = favouriteStudiosShare / Double(favourites.count) }

        let volatilities = GameVolatility.allCases.count
        var volatilityPreference = Array(repeating: (1 - mainVolatilityShare) / Double(volatilities - 1), count: volatilities)
        volatilityPreference[rng.nextInt(below: volatilities)] = mainVolatilityShare

        return TasteCluster(
            categoryPreference: categoryPreference, studioPreference: studioPreference, volatilityPreference: volatilityPreference,
            size: 0.5 + rng.nextDouble()
        )
    }
}
