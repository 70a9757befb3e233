import Foundation
import GameMetricsKit

/// The root fields: each finds its tenant, checks its arguments, and reads through the cache.
struct AnalyticsResolver: Sendable {
    func overview(context: AnalyticsContext, arguments: RangeArguments) async throws -> Overview {
        let tenant = try await context.scope.tenant(arguments.tenant, field: "overview")
        return Overview(tenant: tenant, window: try context.window(from: arguments.from, to: arguments.to))
    }

    func timeSeries(context: AnalyticsContext, arguments: TimeSeriesArguments) async throws -> TimeSeries {
        let tenant = try await context.scope.tenant(arguments.tenant, field: "timeSeries")
        let window = try context.window(from: arguments.from, to: arguments.to)
        let plan = try SeriesPlan(
            grain: arguments.grain, window: window, timeZone: arguments.timeZone, limits: context.limits, minuteGrainKeptSince: context.minuteGrainKeptSince)
        let currency = try arguments.currency.map(Self.currency)
        if let game = arguments.gameId { try Self.checkIdentifier(game, "gameId") }
        let key = [
            arguments.metric.rawValue, arguments.grain.rawValue, plan.timeZone, "\(window.from.timeIntervalSince1970)", "\(window.to.timeIntervalSince1970)",
            currency ?? "-", arguments.gameId.map { "g:" + $0 } ?? "-",
        ].joined(separator: "|")
        return try await context.answer(tenant: tenant, field: "timeSeries", arguments: key) {
            try await context.store.timeSeries(tenant: tenant, plan: plan, metric: arguments.metric, currency: currency, gameID: arguments.gameId)
        }
    }

    func topGames(context: AnalyticsContext, arguments: TopGamesArguments) async throws -> GameConnection {
        let tenant = try await context.scope.tenant(arguments.tenant, field: "topGames")
        let window = try context.window(from: arguments.from, to: arguments.to)
        guard (1...100).contains(arguments.first) else { throw AnalyticsError(.badArgument, "`first` must be 1 to 100") }
        let currency = try arguments.currency.map(Self.currency)
        let after = try arguments.after.map { text throws(AnalyticsError) in try GameCursor(text: text, ranking: arguments.by) }
        let key = [
            arguments.by.rawValue, "\(window.from.timeIntervalSince1970)", "\(window.to.timeIntervalSince1970)", currency ?? "-", "\(arguments.first)",
            after?.text ?? "-",
        ].joined(separator: "|")
        return try await context.answer(tenant: tenant, field: "topGames", arguments: key) {
            try await context.store.topGames(tenant: tenant, window: window, ranking: arguments.by, currency: currency, first: arguments.first, after: after)
        }
    }

    func player(context: AnalyticsContext, arguments: PlayerArguments) async throws -> PlayerSummary? {
        let tenant = try await context.scope.tenant(arguments.tenant, field: "player")
        try Self.checkIdentifier(arguments.playerId, "playerId")
        // "Last 30 days" moves with the UTC day.
        let key = "\(TimeWindow.floor(context.now, .day).timeIntervalSince1970)|\(arguments.playerId)"
        return try await context.answer(tenant: tenant, field: "player", arguments: key, player: arguments.playerId) {
            try await context.store.player(tenant: tenant, playerID: arguments.playerId, now: context.now)
        }
    }

    func retentionCohorts(context: AnalyticsContext, arguments: CohortArguments) async throws -> [CohortRow] {
        let tenant = try await context.scope.tenant(arguments.tenant, field: "retentionCohorts")
        guard (1...90).contains(arguments.days) else { throw AnalyticsError(.badArgument, "`days` must be 1 to 90") }
        guard arguments.firstDay.utf8.count == 10, let firstDay = PostgresAnalyticsStore.day(arguments.firstDay) else {
            throw AnalyticsError(.badArgument, "`firstDay` must be a date, YYYY-MM-DD")
        }
        guard let zone = SeriesPlan.zone(named: arguments.timeZone) else {
            throw AnalyticsError(.badArgument, "unknown time zone \(TimeWindow.quoted(arguments.timeZone)): use an IANA name such as Europe/Malta or UTC")
        }
        let span = TimeWindow(exactly: firstDay.addingTimeInterval(-86_400), firstDay.addingTimeInterval(Double(arguments.days + 32) * 86_400))
        guard span.to.timeIntervalSince(span.from) <= Double(context.limits.maxRangeDays) * 86_400 else {
            throw AnalyticsError(.rangeTooWide, "the cohorts and their 30 following days span more than \(context.limits.maxRangeDays) days")
        }
        // Days are told apart by the hourly memberships: the zone's offset must be whole hours.
        guard SeriesPlan.offsets(of: zone, in: span).allSatisfy({ $0 % 3_600 == 0 }) else {
            throw AnalyticsError(.grainNotKept, "cohorts are counted from hourly activity: \(zone.identifier)'s offset is not a whole number of hours")
        }
        let key = "\(arguments.firstDay)|\(arguments.days)|\(zone.identifier)|\(PostgresAnalyticsStore.dayText(context.now))"
        let timeZone = zone.identifier == "GMT" ? "UTC" : zone.identifier
        return try await context.answer(tenant: tenant, field: "retentionCohorts", arguments: key) {
            try await context.store.cohorts(tenant: tenant, firstDay: firstDay, days: arguments.days, timeZone: timeZone, now: context.now)
        }
    }

    func pipelineHealth(context: AnalyticsContext, arguments: RangeArguments) async throws -> PipelineHealth {
        let tenant = try await context.scope.tenant(arguments.tenant, field: "pipelineHealth", needs: .operator)
        let window = try context.window(from: arguments.from, to: arguments.to)
        let invalid = try await context.store.invalidEvents(tenant: tenant, window: window)
        return PipelineHealth(
            range: window.answered, invalidEvents: invalid, invalidEventsTotal: invalid.reduce(0) { $0 + $1.events },
            consumerLag: await context.lag?.report(), deadLetterQueueDepth: nil)
    }

    /// Subscriptions are served by ``GraphQLWebSocket``, which executes each update itself.
    func liveMetrics(context: AnalyticsContext, arguments: TenantArguments) async throws -> AsyncStream<LiveMetricsUpdate> {
        throw AnalyticsError(.badArgument, "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql")
    }

    /// Player and game ids as the events carry them: 1 to 128 characters without U+0000.
    static func checkIdentifier(_ id: String, _ name: String) throws(AnalyticsError) {
        guard !id.isEmpty, id.unicodeScalars.count <= 128, !id.unicodeScalars.contains("\u{0}") else {
            throw AnalyticsError(.badArgument, "`\(name)` must be 1 to 128 characters without U+0000")
        }
    }

    static func currency(_ code: String) throws(AnalyticsError) -> String {
        guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw AnalyticsError(.badArgument, "`currency` must be an ISO 4217 code such as EUR")
        }
        return code
    }
}
