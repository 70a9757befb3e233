/// The arguments of the root fields, as GraphQL passes them (names are the schema's).

struct RangeArguments: Codable, Sendable {
    var from: String
    var to: String
    /// Another tenant's id: platform-admin only, and recorded in the audit log.
    var tenant: String?
}

struct TimeSeriesArguments: Codable, Sendable {
    var metric: Metric
    var grain: SeriesGrain
    var from: String
    var to: String
    var timeZone: String
    var currency: String?
    var gameId: String?
    var tenant: String?
}

struct TopGamesArguments: Codable, Sendable {
    var by: GameRanking
    var from: String
    var to: String
    var currency: String?
    var first: Int
    var after: String?
    var tenant: String?
}

struct PlayerArguments: Codable, Sendable {
    var playerId: String
    var tenant: String?
}

struct CohortArguments: Codable, Sendable {
    /// YYYY-MM-DD: the first cohort's day in `timeZone`.
    var firstDay: String
    var days: Int
    var timeZone: String
    var tenant: String?
}

struct TenantArguments: Codable, Sendable {
    var tenant: String?
}
