import Foundation
import GameMetricsKit
import GameMetricsHTTP
import Hummingbird
import NIOCore

/// `GET /overview`: today's numbers for the operator's tenant, in their time zone (`?tz=`),
/// rendered on the server; `GET /overview/summary.json`: the same numbers for the page's script,
/// which also applies the live deltas (`/live`) between two summaries.
struct OverviewController: Sendable {
    let pages: ConsolePages
    let analytics: AnalyticsQueries
    /// "Active now": distinct players in this many minutes before now.
    static let nowMinutes = 5

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("", use: { _, _ in ConsolePages.redirect(to: "/overview") })
        router.get("overview", use: page)
        router.get("overview/summary.json", use: summaryJSON)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.page(request) { signedIn in
            guard let zone = Formatting.timeZone(request.uri.queryParameters.get("tz")) else {
                throw ConsolePageError.badRequest("Unknown time zone: use an IANA name such as Europe/Malta or UTC.")
            }
            let summary = await summary(OperatorCall(signedIn, context), zone: zone)
            let frame = PageFrame.signedIn(signedIn.session, title: "Live overview", current: "/overview", script: "overview.js")
            return pages.renderer.page("overview", frame: frame, content: OverviewPage(summary: summary))
        }
    }

    @Sendable func summaryJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let signedIn = try? await pages.access.session(request) else {
            return ConsolePages.signedOutJSON
        }
        let zone = Formatting.timeZone(request.uri.queryParameters.get("tz")) ?? Formatting.timeZone(nil)!
        let summary = await summary(OperatorCall(signedIn, context), zone: zone)
        var headers = PageRenderer.securityHeaders
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(summary))))
    }

    /// Reads the parts concurrently; a part that fails is named in `unavailable`, the others show.
    func summary(_ caller: OperatorCall, zone named: NamedTimeZone) async -> OverviewSummary {
        let zone = named.zone
        let now = Date()
        let to = RFC3339.format(now.addingTimeInterval(60 - now.timeIntervalSince1970.truncatingRemainder(dividingBy: 60)))
        let today = RangeVariables(from: RFC3339.format(Formatting.startOfDay(now, in: zone)), to: to)
        let recent = RangeVariables(from: RFC3339.format(now.addingTimeInterval(TimeInterval(-60 * Self.nowMinutes))), to: to)
        let hour = SeriesVariables(metric: "EVENTS", grain: "MINUTE", from: RFC3339.format(now.addingTimeInterval(-3_600)), to: to, timeZone: named.name)
        async let day = attempt { try await analytics.run(.overview, today, as: OverviewAnswer.self, for: caller).overview }
        async let active = attempt { try await analytics.run(.overview, recent, as: OverviewAnswer.self, for: caller).overview.activePlayers }
        async let games = attempt {
            try await analytics.run(.topGames, TopGamesVariables(by: "PLAYERS", from: today.from, to: today.to, first: 5), as: TopGamesAnswer.self, for: caller)
                .topGames.edges.map(\.node)
        }
        async let series = attempt { try await analytics.run(.metricSeries, hour, as: SeriesAnswer.self, for: caller).timeSeries.points }
        let (dayResult, activeResult, gamesResult, seriesResult) = await (day, active, games, series)
        var unavailable: [String] = []
        for case .failure(let error) in [dayResult.map { _ in () }, activeResult.map { _ in () }, gamesResult.map { _ in () }, seriesResult.map { _ in () }] {
            let message = (error as? UpstreamError)?.message ?? "\(error)"
            if !unavailable.contains(message) { unavailable.append(message) }
        }
        return OverviewSummary(
            timeZone: named.name, dayStarts: today.from, events: try? dayResult.get().events, activeNow: try? activeResult.get(),
            activeToday: try? dayResult.get().activePlayers, sessions: try? dayResult.get().sessions,
            currencies: (try? dayResult.get().currencies) ?? [], topGames: (try? gamesResult.get()) ?? [],
            eventsPerMinute: (try? seriesResult.get()) ?? [], unavailable: unavailable)
    }
}

/// Today's numbers as the page's script reads them (amounts in minor units).
struct OverviewSummary: Codable, Sendable {
    let timeZone: String
    let dayStarts: String
    let events: Double?
    let activeNow: Double?
    let activeToday: Double?
    let sessions: Double?
    let currencies: [CurrencyTotals]
    let topGames: [GameStats]
    let eventsPerMinute: [SeriesAnswer.Series.Point]
    /// What could not be read, in words.
    let unavailable: [String]
}

/// The overview as the template shows it: formatted text, and the chart data as JSON.
struct OverviewPage: Sendable {
    struct CurrencyRow: Sendable {
        let currency: String
        let netGamingRevenue: String
        let bets: String
        let wins: String
        let deposits: String
        let withdrawals: String
    }
    struct GameRow: Sendable {
        let gameID: String
        let players: String
        let rounds: String
    }

    let timeZone: String
    let events: String
    let activeNow: String
    let activeToday: String
    let sessions: String
    let currencies: [CurrencyRow]
    let noCurrencies: Bool
    let games: [GameRow]
    let noGames: Bool
    let summaryJSON: String
    let unavailable: [String]
    let hasUnavailable: Bool
    let nowMinutes = OverviewController.nowMinutes

    init(summary: OverviewSummary) {
        let dash = "—"
        timeZone = summary.timeZone
        events = summary.events.map(Formatting.count) ?? dash
        activeNow = summary.activeNow.map(Formatting.count) ?? dash
        activeToday = summary.activeToday.map(Formatting.count) ?? dash
        sessions = summary.sessions.map(Formatting.count) ?? dash
        currencies = summary.currencies.map {
            CurrencyRow(
                currency: $0.currency, netGamingRevenue: Formatting.amount($0.netGamingRevenue, $0.currency), bets: Formatting.amount($0.bets, $0.currency),
                wins: Formatting.amount($0.wins, $0.currency), deposits: Formatting.amount($0.deposits, $0.currency),
                withdrawals: Formatting.amount($0.withdrawals, $0.currency))
        }
        noCurrencies = summary.currencies.isEmpty
        games = summary.topGames.map { GameRow(gameID: $0.gameId, players: Formatting.count($0.players), rounds: Formatting.count($0.rounds)) }
        noGames = summary.topGames.isEmpty
        summaryJSON = (try? String(decoding: JSONEncoder().encode(summary), as: UTF8.self)) ?? "{}"
        unavailable = summary.unavailable
        hasUnavailable = !summary.unavailable.isEmpty
    }
}
