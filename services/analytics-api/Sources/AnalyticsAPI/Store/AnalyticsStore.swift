import Foundation

/// Where the answers come from: the processor's tables, always read as one tenant.
protocol AnalyticsStore: Sendable {
    /// The overview's sums over the window: events, sessions, money per currency.
    func overviewTotals(tenant: String, window: TimeWindow) async throws -> OverviewTotals
    /// Distinct players with any event in the window (exact).
    func activePlayers(tenant: String, window: TimeWindow) async throws -> Double
    func timeSeries(tenant: String, plan: SeriesPlan, metric: Metric, currency: String?, gameID: String?) async throws -> TimeSeries
    func topGames(tenant: String, window: TimeWindow, ranking: GameRanking, currency: String?, first: Int, after: GameCursor?) async throws -> GameConnection
    func player(tenant: String, playerID: String, now: Date) async throws -> PlayerSummary?
    func cohorts(tenant: String, firstDay: Date, days: Int, timeZone: String, now: Date) async throws -> [CohortRow]
    func invalidEvents(tenant: String, window: TimeWindow) async throws -> [InvalidEventCount]
}

/// Where a page of top games ends: the last game's ranking value and id (keyset pagination, so
/// a page never repeats or skips a game that kept its place).
struct GameCursor: Codable, Sendable, Equatable {
    var ranking: GameRanking
    var value: Double
    var gameID: String

    enum CodingKeys: String, CodingKey {
        case ranking = "r", value = "v", gameID = "g"
    }

    var text: String {
        let json = (try? JSONEncoder().encode(self)) ?? Data()
        return json.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(ranking: GameRanking, value: Double, gameID: String) {
        self.ranking = ranking
        self.value = value
        self.gameID = gameID
    }

    init(text: String, ranking expected: GameRanking) throws(AnalyticsError) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard text.utf8.count <= 1_024, let data = Data(base64Encoded: base64), let cursor = try? JSONDecoder().decode(GameCursor.self, from: data) else {
            throw AnalyticsError(.badArgument, "`after` is not a cursor this API gave out")
        }
        guard cursor.ranking == expected else {
            throw AnalyticsError(.badArgument, "`after` is a cursor of a ranking by \(cursor.ranking.rawValue), not \(expected.rawValue)")
        }
        self = cursor
    }
}
