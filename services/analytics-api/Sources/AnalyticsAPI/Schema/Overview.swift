import Graphiti

/// One tenant's overview of a range. Each field is read only when the operation selects it, and
/// cached on its own: the sums come from one statement, each distinct count from another, and
/// the daily, weekly and monthly counts depend only on the range's end, so ranges that end
/// together share them.
struct Overview: Sendable {
    let tenant: String
    let window: TimeWindow

    func range(context: AnalyticsContext, arguments: NoArguments) -> AnsweredRange {
        window.answered
    }

    func events(context: AnalyticsContext, arguments: NoArguments) async throws -> Double {
        try await totals(context).events
    }

    func sessions(context: AnalyticsContext, arguments: NoArguments) async throws -> Double {
        try await totals(context).sessions
    }

    func averageSessionSeconds(context: AnalyticsContext, arguments: NoArguments) async throws -> Double? {
        try await totals(context).averageSessionSeconds
    }

    func currencies(context: AnalyticsContext, arguments: NoArguments) async throws -> [CurrencyTotals] {
        try await totals(context).currencies
    }

    func activePlayers(context: AnalyticsContext, arguments: NoArguments) async throws -> Double {
        try await players(in: window, context)
    }

    func dailyActivePlayers(context: AnalyticsContext, arguments: NoArguments) async throws -> Double {
        try await players(in: window.trailing(days: 1), context)
    }

    func weeklyActivePlayers(context: AnalyticsContext, arguments: NoArguments) async throws -> Double {
        try await players(in: window.trailing(days: 7), context)
    }

    func monthlyActivePlayers(context: AnalyticsContext, arguments: NoArguments) async throws -> Double {
        try await players(in: window.trailing(days: 30), context)
    }

    private func totals(_ context: AnalyticsContext) async throws -> OverviewTotals {
        try await context.answer(tenant: tenant, field: "overviewTotals", arguments: window.cacheArguments) {
            try await context.store.overviewTotals(tenant: tenant, window: window)
        }
    }

    private func players(in window: TimeWindow, _ context: AnalyticsContext) async throws -> Double {
        try await context.answer(tenant: tenant, field: "activePlayers", arguments: window.cacheArguments) {
            try await context.store.activePlayers(tenant: tenant, window: window)
        }
    }
}
