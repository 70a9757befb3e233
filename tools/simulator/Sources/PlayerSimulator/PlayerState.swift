import Foundation

/// Everything the simulator knows about one player: fixed traits, wallet, progression, and
/// where the player is in the session state machine
/// (offline → session_start → [deposit] → rounds (game_round → bet_placed → bet_settled, with
/// page views, purchases and game switches between them) → [withdrawal] → session_end).
struct PlayerState: Sendable {
    enum Phase: Sendable, Equatable {
        case offline
        /// In a session, between rounds.
        case lobby
        /// `game_round` sent; the bet comes next.
        case roundOpen(roundID: UUID)
        /// `bet_placed` sent (the stake already left the balance); the settlement comes next.
        case betOpen(roundID: UUID, betEventID: UUID, stake: Int64)
        /// Cashed out; `session_end` comes next.
        case closing
    }

    struct Session: Sendable, Equatable {
        var id: UUID
        var startedAtMicros: Int64
        var gameIndex: Int
        var roundsLeft: Int
        var roundsPlayed = 0
        var deposits = 0
    }

    /// Events owed after a round or deposit: they go out before anything else the player does.
    enum FollowUp: Sendable, Equatable {
        case achievement(Achievement)
        case levelUp(Int)
    }

    let tenantIndex: Int
    let playerID: String
    let segment: PlayerSegment
    let currency: String
    let platform: String
    /// The player's taste cluster (see ``TasteModel``), and a second one it leans to, or -1.
    let cluster: Int16
    let secondCluster: Int16
    /// Indices into the tenant's catalogue of the games the player keeps coming back to.
    let favouriteGames: InlineArray<3, Int32>

    var phase: Phase = .offline
    var session: Session?
    var pending: [FollowUp] = []

    /// Wallet balance in minor units of ``currency``; never negative.
    var balanceMinor: Int64 = 0
    var level = 1
    var xp = 0
    var lifetimeRounds = 0
    var winStreak = 0
    /// Unlocked ``Achievement``s as bits.
    var achievements: UInt16 = 0

    // Lifetime money totals, in minor units (the model's own bookkeeping, used by tests).
    var depositedMinor: Int64 = 0
    var withdrawnMinor: Int64 = 0
    var stakedMinor: Int64 = 0
    var paidOutMinor: Int64 = 0

    init(
        tenantIndex: Int, playerID: String, segment: PlayerSegment, currency: String, platform: String,
        cluster: Int16, secondCluster: Int16, favouriteGames: InlineArray<3, Int32>
    ) {
        self.tenantIndex = tenantIndex
        self.playerID = playerID
        self.segment = segment
        self.currency = currency
        self.platform = platform
        self.cluster = cluster
        self.secondCluster = secondCluster
        self.favouriteGames = favouriteGames
    }

    func has(_ achievement: Achievement) -> Bool { achievements & achievement.bit != 0 }

    /// Records `achievement` and owes its event, unless already unlocked.
    mutating func unlock(_ achievement: Achievement) {
        guard !has(achievement) else { return }
        achievements |= achievement.bit
        pending.append(.achievement(achievement))
    }

    /// Cumulative experience needed to reach `level` (100 for level 2, 300 for 3, 600 for 4…).
    static func experience(toReach level: Int) -> Int { 50 * level * (level - 1) }
}
