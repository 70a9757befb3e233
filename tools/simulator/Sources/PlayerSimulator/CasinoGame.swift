/// A game players can bet on, with a pay table: each winning outcome's probability and the
/// multiple of the stake it pays. Every other outcome loses the stake.
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

    /// The games of the simulated casino (ids as a game client would send them).
    static let rawCatalog: [CasinoGame] = [
        CasinoGame(id: "slots-starburst", outcomes: [.init(probability: 0.28, multiplier: 2), .init(probability: 0.06, multiplier: 5)]),
        CasinoGame(
            id: "slots-book-of-dead",
            outcomes: [
                .init(probability: 0.20, multiplier: 2), .init(probability: 0.05, multiplier: 5),
                .init(probability: 0.01, multiplier: 20), .init(probability: 0.001, multiplier: 50),
            ]),
        CasinoGame(
            id: "slots-gonzos-quest",
            outcomes: [
                .init(probability: 0.25, multiplier: 1.5), .init(probability: 0.08, multiplier: 4), .init(probability: 0.01, multiplier: 15),
            ]),
        CasinoGame(id: "roulette-european", outcomes: [.init(probability: 18.0 / 37, multiplier: 2)]),
        CasinoGame(id: "blackjack-classic", outcomes: [.init(probability: 0.42, multiplier: 2), .init(probability: 0.045, multiplier: 2.5)]),
        CasinoGame(id: "baccarat-punto-banco", outcomes: [.init(probability: 0.4586, multiplier: 2)]),
        CasinoGame(
            id: "crash-aviator",
            outcomes: [
                .init(probability: 0.40, multiplier: 1.5), .init(probability: 0.12, multiplier: 3), .init(probability: 0.02, multiplier: 10),
            ]),
        CasinoGame(id: "dice-hi-lo", outcomes: [.init(probability: 0.49, multiplier: 2)]),
    ]

    static func catalog(returnToPlayer: Double) -> [CasinoGame] {
        rawCatalog.map { $0.scaled(toReturn: returnToPlayer) }
    }
}
