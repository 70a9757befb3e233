import Foundation
import GameMetricsKit

/// The grains a time series may be asked in (GraphQL enum `Grain`).
enum SeriesGrain: String, Codable, Sendable, CaseIterable {
    case minute = "MINUTE", hour = "HOUR", day = "DAY"

    var unit: StoredGrain {
        switch self {
        case .minute: .minute
        case .hour: .hour
        case .day: .day
        }
    }
}

/// How one time series is answered: buckets of `grain` in `timeZone`, summed from the coarsest
/// stored grain whose buckets fit inside them. Day boundaries in a zone whose offset is a whole
/// number of hours fall on hour boundaries, so the hourly rows answer; other offsets (+05:30,
/// +05:45, or a half-hour DST shift) need the per-minute rows, which are kept for a limited time.
struct SeriesPlan: Sendable, Equatable {
    var grain: SeriesGrain
    var timeZone: String
    var source: StoredGrain
    var window: TimeWindow

    init(grain: SeriesGrain, window: TimeWindow, timeZone name: String, limits: QueryLimits, minuteGrainKeptSince: Date) throws(AnalyticsError) {
        guard let zone = Self.zone(named: name) else {
            throw AnalyticsError(.badArgument, "unknown time zone \(TimeWindow.quoted(name)): use an IANA name such as Europe/Malta or UTC")
        }
        let buckets = window.to.timeIntervalSince(window.from) / Double(grain.unit.seconds)
        guard buckets <= Double(limits.maxPoints) else {
            throw AnalyticsError(
                .rangeTooWide, "the range holds \(Int(buckets.rounded(.up))) \(grain.rawValue.lowercased()) buckets; at most \(limits.maxPoints) are allowed: choose a coarser grain or a shorter range")
        }
        let offsets = Self.offsets(of: zone, in: window)
        let wholeHours = offsets.allSatisfy { $0 % 3_600 == 0 }
        let utc = offsets.allSatisfy { $0 == 0 }
        switch grain {
        case .minute: source = .minute
        case .hour: source = wholeHours ? .hour : .minute
        case .day: source = utc ? .day : (wholeHours ? .hour : .minute)
        }
        // A bucket starts at most one bucket before the range: the minutes must reach back to it.
        if source == .minute && window.from.addingTimeInterval(-Double(grain.unit.seconds)) < minuteGrainKeptSince {
            let reason =
                grain == .minute
                ? "per-minute buckets are kept for a limited time"
                : "\(name)'s offset is not a whole number of hours, so its \(grain.rawValue.lowercased()) buckets are summed from per-minute buckets, which are kept for a limited time"
            throw AnalyticsError(.grainNotKept, "\(reason): the range must start after \(RFC3339.format(minuteGrainKeptSince.addingTimeInterval(Double(grain.unit.seconds))))")
        }
        self.grain = grain
        self.timeZone = zone.identifier
        self.window = window
    }

    /// PostgreSQL's `date_trunc` unit and the bucket step.
    var truncation: String { grain.unit.rawValue }
    var step: String { "1 \(grain.unit.rawValue)" }

    /// An IANA zone name (Area/Location, or UTC) that Foundation knows. Offsets and abbreviations
    /// ("GMT+5", "EST") are refused: PostgreSQL reads POSIX offsets with the opposite sign.
    static func zone(named name: String) -> TimeZone? {
        let isIANAName =
            name == "UTC"
            || (name.utf8.count <= 64 && name.contains("/") && !name.hasPrefix("/") && !name.hasSuffix("/")
                && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "/_-+".unicodeScalars.contains($0) })
        guard isIANAName else { return nil }
        return TimeZone(identifier: name)
    }

    /// Every UTC offset `zone` has within `window` (at its start and after each transition).
    static func offsets(of zone: TimeZone, in window: TimeWindow) -> [Int] {
        var offsets = [zone.secondsFromGMT(for: window.from)]
        var instant = window.from
        while let next = zone.nextDaylightSavingTimeTransition(after: instant), next < window.to, offsets.count < 1_000 {
            offsets.append(zone.secondsFromGMT(for: next))
            instant = next
        }
        return offsets
    }
}
