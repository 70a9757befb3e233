import Foundation
import GameMetricsKit
import GameMetricsHTTP
import Hummingbird

/// Games: `GET /games` ranks the tenant's games by players, rounds or revenue over a chosen range
/// of days (in the operator's time zone), a page of 25 at a time; `GET /games/<id>` shows one
/// game's players, rounds and revenue per day over the same range.
struct GamesController: Sendable {
    let pages: ConsolePages
    let analytics: AnalyticsQueries
    static let pageSize = 25

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("games", use: ranking)
        router.get("games/:id", use: game)
    }

    @Sendable func ranking(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.page(request) { signedIn in
            let choice = try GamesChoice(request.uri.queryParameters)
            struct Variables: Encodable {
                let by: String
                let from: String
                let to: String
                let currency: String
                let first: Int
                let after: String?
            }
            let variables = Variables(
                by: choice.ranking.uppercased(), from: choice.from, to: choice.to, currency: choice.currency, first: Self.pageSize, after: choice.after)
            let frame = PageFrame.signedIn(signedIn.session, title: "Games", current: "/games", script: "games.js")
            do {
                let answer = try await analytics.run(
                    .topGames, variables, as: RankedGamesAnswer.self, for: OperatorCall(signedIn, context))
                return pages.renderer.page("games", frame: frame, content: GamesPage(choice: choice, connection: answer.topGames, problem: nil))
            } catch let error as UpstreamError where error.isRefusal {
                return pages.renderer.page("games", frame: frame, content: GamesPage(choice: choice, connection: nil, problem: error.message), status: .badRequest)
            }
        }
    }

    @Sendable func game(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.page(request) { signedIn in
            let id = try context.parameters.require("id")
            let choice = try GamesChoice(request.uri.queryParameters)
            let caller = OperatorCall(signedIn, context)
            struct Variables: Encodable {
                let metric: String
                let grain = "DAY"
                let from: String
                let to: String
                let timeZone: String
                let currency: String?
                let gameId: String
            }
            func series(_ metric: String, currency: String? = nil) async throws -> [SeriesAnswer.Series.Point] {
                try await analytics.run(
                    .metricSeries, Variables(metric: metric, from: choice.from, to: choice.to, timeZone: choice.timeZone, currency: currency, gameId: id),
                    as: SeriesAnswer.self, for: caller
                ).timeSeries.points
            }
            let frame = PageFrame.signedIn(signedIn.session, title: "Game \(id)", current: "/games", script: "games.js")
            do {
                async let players = series("ACTIVE_PLAYERS")
                async let rounds = series("ROUNDS")
                async let revenue = series("NET_GAMING_REVENUE", currency: choice.currency)
                let content = GamePage(id: id, choice: choice, players: try await players, rounds: try await rounds, revenue: try await revenue)
                return pages.renderer.page("game", frame: frame, content: content)
            } catch let error as UpstreamError where error.isRefusal {
                throw ConsolePageError.badRequest(error.message)
            }
        }
    }
}

/// The range, ranking and currency the operator chose (query parameters), with defaults: the
/// last 7 days in UTC, by players, EUR.
struct GamesChoice: Sendable {
    let fromDay: String
    let toDay: String
    let ranking: String
    let currency: String
    let timeZone: String
    let after: String?
    /// RFC 3339 instants of the range: from the first day's start to the end of the last day.
    let from: String
    let to: String

    init(_ query: some Sequence<(key: Substring, value: Substring)>) throws {
        var fields: [String: String] = [:]
        for (key, value) in query where fields[String(key)] == nil { fields[String(key)] = String(value) }
        guard let zone = Formatting.timeZone(fields["tz"]) else {
            throw ConsolePageError.badRequest("Unknown time zone: use an IANA name such as Europe/Malta or UTC.")
        }
        timeZone = zone.name
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone.zone
        let day = DateFormatter()
        day.calendar = calendar
        day.timeZone = zone.zone
        day.locale = Locale(identifier: "en_US_POSIX")
        day.dateFormat = "yyyy-MM-dd"
        let today = calendar.startOfDay(for: Date())
        func parse(_ name: String, default fallback: Date) throws -> Date {
            guard let text = fields[name], !text.isEmpty else { return fallback }
            guard text.utf8.count == 10, let date = day.date(from: text) else {
                throw ConsolePageError.badRequest("\(name == "from" ? "From" : "To") must be a date (YYYY-MM-DD).")
            }
            return date
        }
        let first = try parse("from", default: calendar.date(byAdding: .day, value: -6, to: today)!)
        let last = try parse("to", default: today)
        guard first <= last else { throw ConsolePageError.badRequest("The range must not end before it starts.") }
        fromDay = day.string(from: first)
        toDay = day.string(from: last)
        from = RFC3339.format(first)
        to = RFC3339.format(calendar.date(byAdding: .day, value: 1, to: last)!)
        let ranking = fields["by"] ?? "players"
        guard ["players", "rounds", "revenue"].contains(ranking) else { throw ConsolePageError.badRequest("Rank by players, rounds or revenue.") }
        self.ranking = ranking
        let currency = (fields["currency"] ?? "EUR").uppercased()
        guard currency.range(of: "^[A-Z]{3}$", options: .regularExpression) != nil else {
            throw ConsolePageError.badRequest("The currency is an ISO 4217 code such as EUR.")
        }
        self.currency = currency
        after = fields["after"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The query string that keeps this choice (for links), with `after` for another page.
    func query(after cursor: String? = nil) -> String {
        var items = [
            URLQueryItem(name: "from", value: fromDay), URLQueryItem(name: "to", value: toDay), URLQueryItem(name: "by", value: ranking),
            URLQueryItem(name: "currency", value: currency), URLQueryItem(name: "tz", value: timeZone),
        ]
        if let cursor { items.append(URLQueryItem(name: "after", value: cursor)) }
        var components = URLComponents()
        components.queryItems = items
        return components.percentEncodedQuery ?? ""
    }
}

struct RankedGamesAnswer: Decodable, Sendable {
    struct Connection: Decodable, Sendable {
        struct Edge: Decodable, Sendable { let node: GameStats }
        struct PageInfo: Decodable, Sendable {
            let hasNextPage: Bool
            let endCursor: String?
        }
        let totalCount: Int
        let edges: [Edge]
        let pageInfo: PageInfo
    }
    let topGames: Connection
}

struct GamesPage: Sendable {
    struct Row: Sendable {
        let id: String
        let href: String
        let players: String
        let rounds: String
        let revenue: String
    }
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    let fromDay: String
    let toDay: String
    let currency: String
    let timeZone: String
    let rankings: [Option]
    let rows: [Row]
    let hasRows: Bool
    let noRows: Bool
    let total: String
    let nextPage: String?
    let chartJSON: String
    let problem: String?
    let rankedBy: String

    init(choice: GamesChoice, connection: RankedGamesAnswer.Connection?, problem: String?) {
        fromDay = choice.fromDay
        toDay = choice.toDay
        currency = choice.currency
        timeZone = choice.timeZone
        rankings = [("players", "Players"), ("rounds", "Rounds"), ("revenue", "Revenue")].map {
            Option(value: $0.0, label: $0.1, selected: $0.0 == choice.ranking)
        }
        let games = connection?.edges.map(\.node) ?? []
        rows = games.map {
            Row(
                id: $0.gameId, href: "/games/\(UserDirectory.segment($0.gameId))?\(choice.query())", players: Formatting.count($0.players),
                rounds: Formatting.count($0.rounds), revenue: Formatting.amount($0.revenue, choice.currency))
        }
        hasRows = !games.isEmpty
        noRows = connection != nil && games.isEmpty
        total = Formatting.count(Double(connection?.totalCount ?? 0))
        nextPage = connection.flatMap { $0.pageInfo.hasNextPage ? $0.pageInfo.endCursor.map { "/games?\(choice.query(after: $0))" } : nil }
        rankedBy = choice.ranking
        let points = games.map { game -> [String: String] in
            let value = choice.ranking == "players" ? game.players : choice.ranking == "rounds" ? game.rounds : game.revenue
            return ["label": game.gameId, "value": String(value)]
        }
        chartJSON = (try? String(decoding: JSONSerialization.data(withJSONObject: points), as: UTF8.self)) ?? "[]"
        self.problem = problem
    }
}

struct GamePage: Sendable {
    struct Row: Sendable {
        let day: String
        let players: String
        let rounds: String
        let revenue: String
    }
    let id: String
    let back: String
    let fromDay: String
    let toDay: String
    let currency: String
    let timeZone: String
    let rows: [Row]
    let seriesJSON: String

    init(id: String, choice: GamesChoice, players: [SeriesAnswer.Series.Point], rounds: [SeriesAnswer.Series.Point], revenue: [SeriesAnswer.Series.Point]) {
        self.id = id
        back = "/games?\(choice.query())"
        fromDay = choice.fromDay
        toDay = choice.toDay
        currency = choice.currency
        timeZone = choice.timeZone
        rows = players.indices.map { index in
            Row(
                day: Formatting.day(of: players[index].bucket, in: choice.timeZone), players: Formatting.count(players[index].value),
                rounds: index < rounds.count ? Formatting.count(rounds[index].value) : "—",
                revenue: index < revenue.count ? Formatting.amount(revenue[index].value, choice.currency) : "—")
        }
        let series: [String: Any] = [
            "timeZone": choice.timeZone, "currency": choice.currency, "buckets": players.map(\.bucket), "players": players.map(\.value),
            "rounds": rounds.map(\.value), "revenue": revenue.map(\.value),
        ]
        seriesJSON = (try? String(decoding: JSONSerialization.data(withJSONObject: series), as: UTF8.self)) ?? "{}"
    }
}
