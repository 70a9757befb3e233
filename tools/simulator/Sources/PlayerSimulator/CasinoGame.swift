/// A pay table players bet against: each winning outcome's probability and the multiple of the
/// stake it pays. Every other outcome loses the stake. Each game of a ``GameCatalogue`` plays
/// the table of its category and volatility.
///
/// ``catalog(returnToPlayer:)`` scales each table's multipliers so that the expected payout is
/// exactly `returnToPlayer` × stake (a 96 % return to player is a 4 % house edge); the raw
/// tables only give each game its shape (roulette pays often and little, slots rarely and big).
struct CasinoGame: Sendable, Equatable {
    struct Outcome: Sendable, Equatable {
        var probability: Double
        var multiplier: Double
    }

    var id: String
    var outcomes: [Outcome]

    /// Probability that a round pays anything.
    var winProbability: Double { outcomes.reduce(0) { $0 + $1.probability } }

    /// Expected payout per unit staked.
    var expectedReturn: Double { outcomes.reduce(0) { $0 + $1.probability * $1.multiplier } }

    /// The multiplier a uniform draw `u` in `0..<1` lands on; 0 is a loss.
    func multiplier(for u: Double) -> Double {
        var cumulative = 0.0
        for outcome in outcomes {
            cumulative += outcome.probability
            if u < cumulative { return outcome.multiplier }
        }
        return 0
    }

    /// This game with its multipliers scaled to an expected return of `returnToPlayer`.
    func scaled(toReturn returnToPlayer: Double) -> CasinoGame {
        let factor = returnToPlayer / expectedReturn
        return CasinoGame(id: id, outcomes: outcomes.map { Outcome(probability: $0.probability, multiplier: $0.multiplier * factor) })
    }

    /// The pay tables of the simulated casino, one per category and volatility, in the order
    /// of ``index(category:volatility:)``. Low volatility pays about 2× often; high volatility
    /// loses more often and now and then pays 25–50×. Their spread is kept near the old
    /// eight-game casino's, so the house edge shows within the same number of bets.
    static let rawCatalog: [CasinoGame] = [
        table("slots-low", [(0.30, 2), (0.05, 4)]),
        table("slots-medium", [(0.25, 1.5), (0.08, 4), (0.01, 15)]),
        table("slots-high", [(0.20, 2), (0.05, 5), (0.01, 20), (0.001, 50)]),
        table("table-low", [(0.4586, 2)]),
        table("table-medium", [(0.40, 2), (0.03, 5)]),
        table("table-high", [(0.30, 2), (0.012, 25)]),
        table("live-casino-low", [(0.4586, 2)]),
        table("live-casino-medium", [(0.42, 2), (0.045, 2.5)]),
        table("live-casino-high", [(0.45, 2), (0.002, 50)]),
        table("crash-low", [(0.45, 1.6), (0.08, 3)]),
        table("crash-medium", [(0.40, 1.5), (0.12, 3), (0.02, 10)]),
        table("crash-high", [(0.30, 1.5), (0.06, 5), (0.005, 40)]),
        table("instant-low", [(0.49, 2)]),
        table("instant-medium", [(0.35, 2), (0.05, 5)]),
        table("instant-high", [(0.30, 1.5), (0.03, 10), (0.002, 50)]),
        table("bingo-low", [(0.35, 2), (0.02, 5)]),
        table("bingo-medium", [(0.28, 2), (0.03, 10)]),
        table("bingo-high", [(0.30, 2), (0.02, 10), (0.001, 50)]),
    ]

    /// Index into ``rawCatalog`` (and ``catalog(returnToPlayer:)``) of a kind of game's pay table.
    static func index(category: GameCategory, volatility: GameVolatility) -> Int {
        category.index * GameVolatility.allCases.count + GameVolatility.allCases.firstIndex(of: volatility)!
    }

    private static func table(_ id: String, _ wins: [(probability: Double, multiplier: Double)]) -> CasinoGame {
        CasinoGame(id: id, outcomes: wins.map { Outcome(probability: $0.probability, multiplier: $0.multiplier) })
    }

    static func catalog(returnToPlayer: Double) -> [CasinoGame] {
        rawCatalog.map { $0.scaled(toReturn: returnToPlayer) }
    }
}
