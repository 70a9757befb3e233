import Foundation

/// What every resolver of one operation shares: the caller's scope and the service's readers.
struct AnalyticsContext: Sendable {
    let scope: RequestScope
    let store: any AnalyticsStore
    let cache: AnswerCache
    let lag: (any ConsumerLagSource)?
    let limits: QueryLimits
    let minuteGrainDays: Int
    let now: Date
    /// This execution's answers so far (``GraphQLExecutor`` gives each execution a new one).
    var memo = Memo()
    /// The generation of a tenant's cache the response cache's lookup just read, if any.
    var generationRead: (tenant: String, generation: Int)?

    /// The oldest minute bucket still stored.
    var minuteGrainKeptSince: Date {
        TimeWindow.ceil(now.addingTimeInterval(-Double(minuteGrainDays) * 86_400), .minute)
    }

    /// The answer to `field` with `arguments` for `tenant`: read once per execution, from the
    /// cache or from `compute`.
    func answer<Answer: Codable & Sendable>(
        tenant: String, field: String, arguments: String, player: String? = nil, compute: () async throws -> Answer
    ) async throws -> Answer {
        try await memo.value(for: "answer\u{0}\(tenant)\u{0}\(field)\u{0}\(arguments)") {
            let known = generationRead.flatMap { $0.tenant == tenant ? $0.generation : nil }
            return try await cache.answer(tenant: tenant, field: field, arguments: arguments, player: player, generation: known, memo: memo, compute: compute)
        }
    }

    /// The same context, its answers read at `generation` of `tenant`'s cache (the one the
    /// response cache's lookup just read), saving a round trip. A value, not a memo entry: the
    /// executor gives each execution a fresh memo.
    func knowing(generation: Int, of tenant: String) -> AnalyticsContext {
        var context = self
        context.generationRead = (tenant, generation)
        return context
    }

    func window(from: String, to: String) throws -> TimeWindow {
        try TimeWindow(from: from, to: to, limits: limits, minuteGrainKeptSince: minuteGrainKeptSince)
    }
}
