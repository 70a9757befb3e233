/// What the queries answer. Counts and sums are `Double` (GraphQL `Float`): exact up to 2^53,
/// which no tenant's total reaches, where GraphQL's `Int` stops at 2^31. Times are RFC 3339 text.

/// The range an answer covers after alignment (to whole minutes, or hours where the minute grain
/// is no longer kept).
struct AnsweredRange: Codable, Sendable, Equatable {
    var from: String
    var to: String
}

struct CurrencyTotals: Codable, Sendable, Equatable {
    var currency: String
    var bets: Double
    var wins: Double
    /// bets − wins.
    var netGamingRevenue: Double
    var deposits: Double
    var withdrawals: Double
}

/// The overview's sums over a range, from one statement over `event_metrics`.
struct OverviewTotals: Codable, Sendable, Equatable {
    var events: Double
    var sessions: Double
    /// Sum of `session_end` durations over the `session_end` events; nil without any.
    var averageSessionSeconds: Double?
    var currencies: [CurrencyTotals]
}

struct SeriesPoint: Codable, Sendable, Equatable {
    /// The bucket's first instant.
    var bucket: String
    var value: Double
}

struct TimeSeries: Codable, Sendable, Equatable {
    var metric: String
    var grain: String
    var timeZone: String
    var range: AnsweredRange
    /// Which stored grain answered (a finer one when the zone's offset is not whole hours).
    var sourceGrain: String
    var points: [SeriesPoint]
}

struct GameStats: Codable, Sendable, Equatable {
    var gameId: String
    var players: Double
    var rounds: Double
    /// Net gaming revenue in the asked currency (0 without one).
    var revenue: Double
}

struct GameEdge: Codable, Sendable, Equatable {
    var cursor: String
    var node: GameStats
}

struct PageInfo: Codable, Sendable, Equatable {
    var hasNextPage: Bool
    var endCursor: String?
}

struct GameConnection: Codable, Sendable, Equatable {
    var range: AnsweredRange
    var totalCount: Int
    var edges: [GameEdge]
    var pageInfo: PageInfo
}

struct PlayerSummary: Codable, Sendable, Equatable {
    var playerId: String
    var firstSeenAt: String
    var lastSeenAt: String
    var lastEventType: String
    var lastGameId: String?
    var events: Double
    var sessions: Double
    var rounds: Double
    /// UTC days with any event among the 30 before now.
    var activeDaysLast30: Int
    /// Distinct games played among the 30 days before now.
    var gamesLast30: Int
}

struct CohortRow: Codable, Sendable, Equatable {
    /// The cohort's day (YYYY-MM-DD in the asked time zone).
    var day: String
    var players: Int
    /// Share of the cohort with any event on day D+1, D+7, D+30; nil while that day has not begun.
    var day1: Double?
    var day7: Double?
    var day30: Double?
}

struct InvalidEventCount: Codable, Sendable, Equatable {
    var source: String
    var reason: String
    var events: Double
}

struct PartitionLag: Codable, Sendable, Equatable {
    var partition: Int
    var committedOffset: Double?
    var highWatermark: Double
    var lag: Double
}

struct ConsumerLagReport: Codable, Sendable, Equatable {
    var group: String
    var topic: String
    var totalLag: Double
    var partitions: [PartitionLag]
}

struct PipelineHealth: Codable, Sendable, Equatable {
    var range: AnsweredRange
    var invalidEvents: [InvalidEventCount]
    var invalidEventsTotal: Double
    /// nil when Kafka did not answer in time.
    var consumerLag: ConsumerLagReport?
    /// Dead letters waiting in the notification service's queue; nil until that service exists.
    var deadLetterQueueDepth: Double?
}

struct LiveDelta: Codable, Sendable, Equatable {
    var minute: String
    var eventType: String
    var currency: String
    var events: Double
    var amountMinor: Double
}

/// One message of the processor's live channel for the tenant: what one stored batch added.
struct LiveMetricsUpdate: Codable, Sendable, Equatable {
    var tenantId: String
    var storedAt: String
    var deltas: [LiveDelta]
}
