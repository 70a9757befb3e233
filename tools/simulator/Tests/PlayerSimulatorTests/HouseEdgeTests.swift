import Testing
@testable import PlayerSimulator

@Suite("House edge")
struct HouseEdgeTests {
    @Test("Every game's pay table returns exactly the configured share of the stake", arguments: [0.96, 0.9, 0.995])
    func payTablesMatchReturnToPlayer(rtp: Double) {
        for game in CasinoGame.catalog(returnToPlayer: rtp) {
            #expect(abs(game.expectedReturn - rtp) < 1e-12, "\(game.id)")
            #expect(game.winProbability > 0.25 && game.winProbability < 0.55, "\(game.id)")
            #expect(game.outcomes.allSatisfy { $0.multiplier > 1 }, "\(game.id): a win pays more than the stake")
        }
    }

    /// Plays until `bets` bets have settled. `perBet` is the mean of payout/stake (each bet
    /// counts once), `perMoney` total paid out over total staked (big stakes count more).
    static func observedReturn(bets: Int, seed: UInt64, rtp: Double) -> (perBet: Double, perMoney: Double) {
        var generator = TrafficGenerator(TestTraffic.configuration(seed: seed, playersPerTenant: 200, returnToPlayer: rtp))
        var staked: Int64 = 0
        var paid: Int64 = 0
        var ratios = 0.0
        var settled = 0
        while settled < bets {
            let event = generator.next().event
            guard event.type == .betSettled, case .int(let stake) = event.property("stake_minor") else { continue }
            staked += stake
            paid += event.amount!.minor
            ratios += Double(event.amount!.minor) / Double(stake)
            settled += 1
        }
        return (ratios / Double(settled), Double(paid) / Double(staked))
    }

    // Tolerances: across seeds, 100k bets give a per-bet return with a standard deviation of
    // about 0.5 points and a money-weighted one of about 1 point (high rollers stake 10× and act
    // 6× as often, so fewer bets carry most of the money); the bounds are 3 σ and 2.5 σ. The
    // seeds are fixed, so the outcome is the same on every run.
    @Test("Over 100k simulated bets the return to player is within 1.5 points of 96 % per bet, 2.5 points per unit of money", arguments: [1, 2] as [UInt64])
    func observedReturnMatchesConfiguration(seed: UInt64) {
        let observed = Self.observedReturn(bets: 100_000, seed: seed, rtp: 0.96)
        #expect(abs(observed.perBet - 0.96) < 0.015, "observed \(observed)")
        #expect(abs(observed.perMoney - 0.96) < 0.025, "observed \(observed)")
        #expect(observed.perMoney < 1, "the house wins")
    }

    @Test("A configured return of 90 % is what players get back")
    func lowerReturnIsObserved() {
        let observed = Self.observedReturn(bets: 100_000, seed: 1, rtp: 0.90)
        #expect(abs(observed.perBet - 0.90) < 0.015, "observed \(observed)")
        #expect(abs(observed.perMoney - 0.90) < 0.025, "observed \(observed)")
    }
}
