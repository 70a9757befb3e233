import Testing
@testable import PlayerSimulator

@Suite("Player wallets")
struct PlayerBalanceTests {
    @Test("No bet exceeds the balance and no balance ever goes negative")
    func balanceNeverNegative() {
        var generator = TrafficGenerator(TestTraffic.configuration(seed: 5, playersPerTenant: 100))
        var balances: [String: Int64] = [:]
        for _ in 0..<40_000 {
            let event = generator.next().event
            let key = "\(event.tenantIndex)/\(event.playerID)"
            let minor = event.amount?.minor ?? 0
            switch event.type {
            case .deposit: balances[key, default: 0] += minor
            case .withdrawal, .betPlaced:
                #expect(minor <= balances[key, default: 0], "\(event.type) of \(minor) with \(balances[key, default: 0])")
                balances[key, default: 0] -= minor
            case .betSettled: balances[key, default: 0] += minor
            default: break
            }
            #expect(balances[key, default: 0] >= 0)
        }
        // The events tell the same story as the players' own books.
        for player in generator.players {
            let key = "\(player.tenantIndex)/\(player.playerID)"
            #expect(player.balanceMinor == balances[key, default: 0])
            #expect(player.balanceMinor == player.depositedMinor - player.withdrawnMinor - player.stakedMinor + player.paidOutMinor)
        }
    }

    @Test("Players deposit when they run low and some cash out after a good session")
    func depositsAndWithdrawals() {
        let events = TestTraffic.events(40_000, TestTraffic.configuration(seed: 5, playersPerTenant: 100))
        let deposits = events.filter { $0.type == .deposit }
        let withdrawals = events.filter { $0.type == .withdrawal }
        #expect(deposits.count > 100)
        #expect(withdrawals.count > 10)
        #expect(withdrawals.allSatisfy { $0.amount!.minor > 0 && $0.amount!.minor % 100 == 0 })
    }

    @Test("Level-ups count up one at a time and achievements unlock once per player")
    func progression() {
        var levels: [String: Int] = [:]
        var unlocked: Set<String> = []
        for event in TestTraffic.events(30_000, TestTraffic.configuration(seed: 3, playersPerTenant: 50)) {
            let key = "\(event.tenantIndex)/\(event.playerID)"
            if event.type == .levelUp, case .int(let level) = event.property("level") {
                #expect(Int(level) == levels[key, default: 1] + 1)
                levels[key] = Int(level)
            }
            if event.type == .achievementUnlocked, case .string(let name) = event.property("achievement") {
                #expect(Achievement(rawValue: name) != nil)
                #expect(unlocked.insert("\(key)/\(name)").inserted)
            }
        }
        #expect(levels.values.contains { $0 >= 5 })
        #expect(unlocked.count > 100)
    }
}
