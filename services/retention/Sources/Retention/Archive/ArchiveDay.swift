import Foundation

/// A UTC calendar day, the unit of events_raw's partitions and of the archive's layout.
struct ArchiveDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    let ordinal: Int

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    init(ordinal: Int) { self.ordinal = ordinal }

    init(_ date: Date) {
        ordinal = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// From `YYYY-MM-DD` (years 1970 to 9999); nil when it is not such a date.
    init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts.allSatisfy({ $0.utf8.allSatisfy { (48...57).contains($0) } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1970...9999).contains(year),
            let date = Self.calendar.date(from: DateComponents(year: year, month: month, day: day))
        else { return nil }
        self.init(date)
        // The calendar rolls 02-31 over into March: only a date that reads back the same is one.
        guard description == text else { return nil }
    }

    var start: Date { Date(timeIntervalSince1970: Double(ordinal) * 86_400) }
    var end: Date { adding(days: 1).start }

    func adding(days: Int) -> ArchiveDay { ArchiveDay(ordinal: ordinal + days) }

    /// `YYYY-MM-DD`.
    var description: String { formatted(separator: "-") }

    /// `YYYY/MM/DD`, the archive's folder for the day.
    var path: String { formatted(separator: "/") }

    static func < (lhs: ArchiveDay, rhs: ArchiveDay) -> Bool { lhs.ordinal < rhs.ordinal }

    private func formatted(separator: String) -> String {
        let parts = Self.calendar.dateComponents([.year, .month, .day], from: start)
        func two(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : String(value ?? 0) }
        return "\(parts.year ?? 0)\(separator)\(two(parts.month))\(separator)\(two(parts.day))"
    }
}
