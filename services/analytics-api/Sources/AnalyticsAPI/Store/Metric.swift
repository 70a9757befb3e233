/// What a time series counts (GraphQL enum `Metric`).
enum Metric: String, Codable, Sendable, CaseIterable {
    case events = "EVENTS"
    case activePlayers = "ACTIVE_PLAYERS"
    case sessions = "SESSIONS"
    case rounds = "ROUNDS"
    case bets = "BETS"
    case wins = "WINS"
    case netGamingRevenue = "NET_GAMING_REVENUE"
    case deposits = "DEPOSITS"
    case withdrawals = "WITHDRAWALS"

    /// How the metric is read from `event_metrics`: the event types counted or summed, and for
    /// amounts the types subtracted (wins from bets).
    enum Reading: Sendable, Equatable {
        case players
        case count(types: [String])
        case amount(added: [String], subtracted: [String])
    }

    var reading: Reading {
        switch self {
        case .events: .count(types: [])
        case .activePlayers: .players
        case .sessions: .count(types: ["session_start"])
        case .rounds: .count(types: ["game_round"])
        case .bets: .amount(added: ["bet_placed"], subtracted: [])
        case .wins: .amount(added: ["bet_settled"], subtracted: [])
        case .netGamingRevenue: .amount(added: ["bet_placed"], subtracted: ["bet_settled"])
        case .deposits: .amount(added: ["deposit"], subtracted: [])
        case .withdrawals: .amount(added: ["withdrawal"], subtracted: [])
        }
    }
}

/// What top games are ranked by (GraphQL enum `GameRanking`).
enum GameRanking: String, Codable, Sendable, CaseIterable {
    case players = "PLAYERS", rounds = "ROUNDS", revenue = "REVENUE"
}
