import Foundation
import GameMetricsKit

/// The behaviour of a player: given a player's state, the one event they produce next and
/// the new state. Money is exact integer minor units: a bet never exceeds the balance, a
/// withdrawal never exceeds it either, so the balance never goes negative; a win pays
/// `stake × multiplier` (rounded) from the game's pay table, whose expected value is the
/// configured return to player.
struct PlayerModel: Sendable {
    /// Pay tables by ``CasinoGame/index(category:volatility:)``, scaled to the return to player.
    let payTables: [CasinoGame]
    /// Per tenant: its catalogue and how its players choose from it.
    let tastes: [TasteModel]

    /// Stakes a casual player picks from (minor units); other segments multiply them.
    static let stakes: [Int64] = [10, 20, 50, 100, 200, 500]
    static let deposits: [Int64] = [1000, 2000, 2500, 5000, 10000]
    static let paymentMethods = ["card", "paypal", "bank_transfer", "skrill"]
    static let pages = ["lobby", "promotions", "cashier", "profile", "leaderboard", "game_details"]
    /// Store items, paid outside the wallet (card or app store), so they leave the balance alone.
    static let storeItems: [(item: String, minor: Int64)] = [
        ("coin_pack_small", 199), ("coin_pack_large", 999), ("free_spins_bundle", 499), ("vip_pass", 1999),
    ]
    static let roundsPerSession = 5...60
    static let xpPerRound = 10

    init(returnToPlayer: Double, tastes: [TasteModel]) {
        self.payTables = CasinoGame.catalog(returnToPlayer: returnToPlayer)
        self.tastes = tastes
    }

    /// The `game_id` of game `index` of the player's tenant.
    private func gameID(_ index: Int, _ p: PlayerState) -> String {
        tastes[p.tenantIndex].catalogue.games[index].gameID
    }

    /// The player's next event, at virtual time `micros`.
    func step(_ player: inout PlayerState, at micros: Int64, rng: inout SeededGenerator) -> SimulatedEvent {
        if !player.pending.isEmpty {
            return followUp(player.pending.removeFirst(), &player, micros, &rng)
        }
        switch player.phase {
        case .offline:
            return startSession(&player, micros, &rng)
        case .lobby:
            return lobby(&player, micros, &rng)
        case .roundOpen(let roundID):
            return placeBet(&player, roundID: roundID, micros, &rng)
        case .betOpen(let roundID, let betEventID, let stake):
            return settle(&player, roundID: roundID, betEventID: betEventID, stake: stake, micros, &rng)
        case .closing:
            return endSession(&player, micros, &rng)
        }
    }

    // MARK: Steps

    private func startSession(_ p: inout PlayerState, _ micros: Int64, _ rng: inout SeededGenerator) -> SimulatedEvent {
        let eventID = rng.nextUUID()
        let gameIndex = tastes[p.tenantIndex].chooseGame(for: p, &rng)
        let session = PlayerState.Session(
            id: rng.nextUUID(), startedAtMicros: micros, gameIndex: gameIndex,
            roundsLeft: rng.nextInt(in: Self.roundsPerSession)
        )
        p.session = session
        p.phase = .lobby
        return event(
            eventID, .sessionStart, p, micros,
            properties: [
                .uuid("session_id", session.id), .string("platform", p.platform),
            ])
    }

    private func lobby(_ p: inout PlayerState, _ micros: Int64, _ rng: inout SeededGenerator) -> SimulatedEvent {
        guard var session = p.session else { return startSession(&p, micros, &rng) }
        let scale = p.segment.scale
        let eventID = rng.nextUUID()

        if session.roundsLeft <= 0 {
            // Done playing: a player well ahead cashes out part of the balance, then leaves.
            let comfortable = 3 * 2500 * scale
            if p.balanceMinor >= comfortable && rng.chance(0.6) {
                let share = Int64(rng.nextInt(in: 50...100))
                let amount = p.balanceMinor * share / 100 / 100 * 100
                if amount > 0 {
                    p.balanceMinor -= amount
                    p.withdrawnMinor += amount
                    p.phase = .closing
                    return event(
                        eventID, .withdrawal, p, micros, amount: amount,
                        properties: [
                            .uuid("session_id", session.id), .string("method", rng.pick(Self.paymentMethods)),
                        ])
                }
            }
            return endSession(&p, eventID: eventID, micros)
        }

        if p.balanceMinor < Self.stakes[0] * scale {
            guard session.deposits < 3 && rng.chance(0.85) else {
                return endSession(&p, eventID: eventID, micros)
            }
            let amount = rng.pick(Self.deposits) * scale
            p.balanceMinor += amount
            p.depositedMinor += amount
            session.deposits += 1
            p.session = session
            p.unlock(.firstDeposit)
            return event(
                eventID, .deposit, p, micros, amount: amount,
                properties: [
                    .uuid("session_id", session.id), .string("method", rng.pick(Self.paymentMethods)),
                ])
        }

        let r = rng.nextDouble()
        if r < 0.05 {
            return event(
                eventID, .pageView, p, micros,
                properties: [
                    .uuid("session_id", session.id), .string("page", rng.pick(Self.pages)),
                ])
        }
        if r < 0.065 {
            let item = rng.pick(Self.storeItems)
            return event(
                eventID, .purchase, p, micros, amount: item.minor,
                properties: [
                    .uuid("session_id", session.id), .string("item", item.item),
                ])
        }
        if r < 0.09 {
            session.gameIndex = tastes[p.tenantIndex].chooseGame(for: p, &rng)
            p.session = session
            return event(
                eventID, .pageView, p, micros, gameID: gameID(session.gameIndex, p),
                properties: [
                    .uuid("session_id", session.id), .string("page", "game"),
                ])
        }
        let roundID = rng.nextUUID()
        session.roundsPlayed += 1
        p.session = session
        p.phase = .roundOpen(roundID: roundID)
        return event(
            eventID, .gameRound, p, micros, gameID: gameID(session.gameIndex, p),
            properties: [
                .uuid("round_id", roundID), .uuid("session_id", session.id), .int("round_number", session.roundsPlayed),
            ])
    }

    private func placeBet(_ p: inout PlayerState, roundID: UUID, _ micros: Int64, _ rng: inout SeededGenerator) -> SimulatedEvent {
        let eventID = rng.nextUUID()
        guard let session = p.session else { return startSession(&p, micros, &rng) }
        let scale = p.segment.scale
        // Affordable stakes; the lobby only opens a round when the smallest one is.
        let balance = p.balanceMinor
        let affordable = Self.stakes.reduce(0) { $0 + ($1 * scale <= balance ? 1 : 0) }
        guard affordable > 0 else { return endSession(&p, eventID: eventID, micros) }
        // The smaller of two draws: small stakes are the common ones.
        let index = min(rng.nextInt(below: affordable), rng.nextInt(below: affordable))
        let stake = Self.stakes[index] * scale
        p.balanceMinor -= stake
        p.stakedMinor += stake
        p.phase = .betOpen(roundID: roundID, betEventID: eventID, stake: stake)
        return event(
            eventID, .betPlaced, p, micros, gameID: gameID(session.gameIndex, p), amount: stake,
            properties: [
                .uuid("round_id", roundID), .uuid("session_id", session.id),
            ])
    }

    private func settle(
        _ p: inout PlayerState, roundID: UUID, betEventID: UUID, stake: Int64, _ micros: Int64, _ rng: inout SeededGenerator
    ) -> SimulatedEvent {
        let eventID = rng.nextUUID()
        guard var session = p.session else { return startSession(&p, micros, &rng) }
        let payTable = tastes[p.tenantIndex].catalogue.games[session.gameIndex].payTable
        let multiplier = payTables[payTable].multiplier(for: rng.nextDouble())
        let payout = Int64((Double(stake) * multiplier).rounded())
        let won = payout > 0
        p.balanceMinor += payout
        p.paidOutMinor += payout
        session.roundsLeft -= 1
        p.session = session
        p.phase = .lobby

        p.lifetimeRounds += 1
        p.winStreak = won ? p.winStreak + 1 : 0
        if won { p.unlock(.firstWin) }
        if p.winStreak == 3 { p.unlock(.luckyStreak) }
        if multiplier >= 10 { p.unlock(.bigWin) }
        if stake >= 5000 { p.unlock(.highRoller) }
        if p.lifetimeRounds == 100 { p.unlock(.rounds100) }
        if p.lifetimeRounds == 1000 { p.unlock(.rounds1000) }
        p.xp += Self.xpPerRound
        while p.xp >= PlayerState.experience(toReach: p.level + 1) {
            p.level += 1
            p.pending.append(.levelUp(p.level))
            if p.level == 5 { p.unlock(.level5) }
            if p.level == 10 { p.unlock(.level10) }
        }

        return event(
            eventID, .betSettled, p, micros, gameID: gameID(session.gameIndex, p), amount: payout,
            properties: [
                .string("outcome", won ? "win" : "loss"), .uuid("bet_event_id", betEventID),
                .int("payout_minor", payout), .int("stake_minor", stake), .uuid("round_id", roundID),
            ])
    }

    private func followUp(
        _ followUp: PlayerState.FollowUp, _ p: inout PlayerState, _ micros: Int64, _ rng: inout SeededGenerator
    ) -> SimulatedEvent {
        let eventID = rng.nextUUID()
        let gameID = gameID(p.session?.gameIndex ?? Int(p.favouriteGames[0]), p)
        switch followUp {
        case .achievement(let achievement):
            return event(
                eventID, .achievementUnlocked, p, micros, gameID: gameID,
                properties: [
                    .string("achievement", achievement.rawValue)
                ])
        case .levelUp(let level):
            return event(
                eventID, .levelUp, p, micros, gameID: gameID,
                properties: [
                    .int("level", level), .int("xp", p.xp),
                ])
        }
    }

    private func endSession(_ p: inout PlayerState, _ micros: Int64, _ rng: inout SeededGenerator) -> SimulatedEvent {
        endSession(&p, eventID: rng.nextUUID(), micros)
    }

    private func endSession(_ p: inout PlayerState, eventID: UUID, _ micros: Int64) -> SimulatedEvent {
        let session = p.session
        p.session = nil
        p.phase = .offline
        var properties: [EventProperty] = []
        if let session {
            properties = [
                .uuid("session_id", session.id),
                .int("duration_ms", max(0, (micros - session.startedAtMicros) / 1000)),
                .int("rounds", session.roundsPlayed),
            ]
        }
        return event(eventID, .sessionEnd, p, micros, properties: properties)
    }

    // MARK: Helpers

    private func event(
        _ eventID: UUID, _ type: EventType, _ p: PlayerState, _ micros: Int64,
        gameID: String? = nil, amount: Int64? = nil, properties: [EventProperty]
    ) -> SimulatedEvent {
        SimulatedEvent(
            eventID: eventID, tenantIndex: p.tenantIndex, playerID: p.playerID, type: type,
            occurredAtMicros: micros, gameID: gameID,
            amount: amount.map { Money(minor: $0, currency: p.currency) }, properties: properties
        )
    }
}
