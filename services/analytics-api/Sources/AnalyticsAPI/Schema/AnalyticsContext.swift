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

    /// The oldest minute bucket still stored.
    var minuteGrainKeptSince: Date {
        TimeWindow.ceil(now.addingTimeInterval(-Double(minuteGrainDays) * 86_400), .minute)
    }

    func window(from: String, to: String) throws -> TimeWindow {
        try TimeWindow(from: from, to: to, limits: limits, minuteGrainKeptSince: minuteGrainKeptSince)
    }
}
