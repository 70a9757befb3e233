import Foundation
import GameMetricsKit

/// The stored grains of the processor's tables.
enum StoredGrain: String, Sendable, CaseIterable {
    case minute, hour, day

    var seconds: Int {
        switch self {
        case .minute: 60
        case .hour: 3_600
        case .day: 86_400
        }
    }
}

/// A run of buckets of one grain, `[from, to)`; a range is answered by summing such spans.
struct GrainSpan: Sendable, Equatable {
    var grain: StoredGrain
    var from: Date
    var to: Date
}

/// A time range `[from, to)` as the queries take it, aligned to what is stored.
struct TimeWindow: Sendable, Equatable {
    var from: Date
    var to: Date

    /// Parses RFC 3339 bounds, refuses an empty, reversed or too wide range, and aligns: to whole
    /// minutes (outward), or to whole hours where a bound is older than the minute grain is kept.
    init(from: String, to: String, limits: QueryLimits, minuteGrainKeptSince: Date) throws(AnalyticsError) {
        guard let start = RFC3339.parse(from) else {
            throw AnalyticsError(.badArgument, "`from` is not an RFC 3339 date-time with a zone: \(Self.quoted(from))")
        }
        guard let end = RFC3339.parse(to) else {
            throw AnalyticsError(.badArgument, "`to` is not an RFC 3339 date-time with a zone: \(Self.quoted(to))")
        }
        guard start < end else { throw AnalyticsError(.badArgument, "`from` must be before `to`") }
        guard end.timeIntervalSince(start) <= Double(limits.maxRangeDays) * 86_400 else {
            throw AnalyticsError(.rangeTooWide, "the range spans more than \(limits.maxRangeDays) days")
        }
        var aligned = (Self.floor(start, .minute), Self.ceil(end, .minute))
        if aligned.0 < minuteGrainKeptSince { aligned.0 = Self.floor(aligned.0, .hour) }
        if aligned.1 < minuteGrainKeptSince { aligned.1 = Self.ceil(aligned.1, .hour) }
        self.from = aligned.0
        self.to = aligned.1
    }

    init(exactly from: Date, _ to: Date) {
        self.from = from
        self.to = to
    }

    var answered: AnsweredRange { AnsweredRange(from: RFC3339.format(from), to: RFC3339.format(to)) }

    /// The window in a cache key.
    var cacheArguments: String { "\(from.timeIntervalSince1970)|\(to.timeIntervalSince1970)" }

    /// The range as the fewest stored buckets: minutes to the first whole hour, hours to the
    /// first whole UTC day, days, then hours and minutes at the end.
    var spans: [GrainSpan] {
        let hourStart = Self.ceil(from, .hour), hourEnd = Self.floor(to, .hour)
        guard hourStart < hourEnd else { return [GrainSpan(grain: .minute, from: from, to: to)] }
        var spans = [GrainSpan(grain: .minute, from: from, to: hourStart)]
        let dayStart = Self.ceil(hourStart, .day), dayEnd = Self.floor(hourEnd, .day)
        if dayStart < dayEnd {
            spans += [
                GrainSpan(grain: .hour, from: hourStart, to: dayStart), GrainSpan(grain: .day, from: dayStart, to: dayEnd),
                GrainSpan(grain: .hour, from: dayEnd, to: hourEnd),
            ]
        } else {
            spans.append(GrainSpan(grain: .hour, from: hourStart, to: hourEnd))
        }
        spans.append(GrainSpan(grain: .minute, from: hourEnd, to: to))
        return spans.filter { $0.from < $0.to }
    }

    /// The `days` days that end where this range ends.
    func trailing(days: Int) -> TimeWindow {
        TimeWindow(exactly: to.addingTimeInterval(-Double(days) * 86_400), to)
    }

    static func floor(_ date: Date, _ grain: StoredGrain) -> Date {
        let seconds = date.timeIntervalSince1970
        let step = Double(grain.seconds)
        return Date(timeIntervalSince1970: (seconds / step).rounded(.down) * step)
    }

    static func ceil(_ date: Date, _ grain: StoredGrain) -> Date {
        let seconds = date.timeIntervalSince1970
        let step = Double(grain.seconds)
        return Date(timeIntervalSince1970: (seconds / step).rounded(.up) * step)
    }

    static func quoted(_ text: String) -> String {
        "\"" + String(text.prefix(64)) + (text.count > 64 ? "…" : "") + "\""
    }
}
