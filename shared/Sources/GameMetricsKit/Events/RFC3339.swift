import Foundation

/// Parsing and formatting of RFC 3339 date-times, by hand: the ingestion hot path parses one
/// per event, and neither `ISO8601DateFormatter` nor `Date.ISO8601FormatStyle` is fast enough
/// or accepts both the fractional and non-fractional forms in one pass.
///
/// Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `T` and `Z` in either case, any number
/// of fractional digits. Seconds run 00...59 (a leap second `60` is rejected: `Date` cannot
/// represent it). Time is kept to the microsecond (PostgreSQL's `timestamptz` precision):
/// finer fractions are rounded, so a parsed date formats back to the same instant and text.
public enum RFC3339 {
    /// Parses `text`, or returns nil when it is not an RFC 3339 date-time.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// Formats `date` in UTC with six fractional digits: `2026-11-21T23:51:00.123456Z`.
    public static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func parse(utf8 s: UnsafeBufferPointer<UInt8>) -> Date? {
        guard let micros = parseMicroseconds(s) else { return nil }
        return date(microsecondsSince1970: micros)
    }

    /// Microseconds since 1970-01-01T00:00:00Z.
    static func parseMicroseconds(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard s.count >= 20 else { return nil }
        @inline(__always) func digits(_ at: Int, _ n: Int) -> Int? {
            var value = 0
            for i in at..<(at + n) {
                let d = Int(s[i]) &- 48
                guard d >= 0, d <= 9 else { return nil }
                value = value * 10 + d
            }
            return value
        }
        guard let year = digits(0, 4), s[4] == UInt8(ascii: "-"),
            let month = digits(5, 2), s[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t"),
            let hour = digits(11, 2), s[13] == UInt8(ascii: ":"),
            let minute = digits(14, 2), s[16] == UInt8(ascii: ":"),
            let second = digits(17, 2)
        else { return nil }
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }

        var i = 19
        var micros: Int64 = 0
        if s[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            var nanos: Int64 = 0
            while i < s.count, s[i] >= UInt8(ascii: "0"), s[i] <= UInt8(ascii: "9") {
                if i - start < 9 { nanos = nanos * 10 + Int64(s[i] - UInt8(ascii: "0")) }
                i += 1
            }
            let count = i - start
            guard count > 0 else { return nil }
            for _ in count..<max(count, 9) { nanos *= 10 }
            micros = (nanos + 500) / 1000  // may reach 1_000_000; the carry is just arithmetic
        }

        guard i < s.count else { return nil }
        var offsetSeconds = 0
        switch s[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard s.count - i == 6, let oh = digits(i + 1, 2), s[i + 3] == UInt8(ascii: ":"),
                let om = digits(i + 4, 2), oh <= 23, om <= 59
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (s[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == s.count else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return seconds * 1_000_000 + micros
    }

    /// 0001-01-01T00:00:00Z: `timestamptz` text has no year 0, and ``format(_:)`` writes the
    /// UTC instant with four year digits.
    static let earliestStorableMicroseconds: Int64 = -62_135_596_800_000_000
    /// 9999-12-31T23:59:59.999999Z.
    static let latestStorableMicroseconds: Int64 = 253_402_300_799_999_999

    /// Whether an instant can be stored exactly: within years 0001...9999 UTC, and carried by
    /// `Date` (a `Double` of seconds since 2001) without losing a microsecond, which holds for
    /// every instant between about 1860 and 2140 and for only some outside that range.
    static func isStorable(microseconds micros: Int64) -> Bool {
        micros >= earliestStorableMicroseconds && micros <= latestStorableMicroseconds
            && microseconds(date(microsecondsSince1970: micros)) == micros
    }

    static func date(microsecondsSince1970 micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// Appends the UTF-8 bytes of `format(date)` to `out`.
    static func append(_ date: Date, to out: inout [UInt8]) {
        let total = microseconds(date)
        var seconds = total / 1_000_000
        var micros = total % 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilFromDays(Int(days))
        @inline(__always) func put(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var v = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(v / divisor % 10))
                v %= divisor
                divisor /= 10
            }
        }
        put(year, 4); out.append(UInt8(ascii: "-"))
        put(month, 2); out.append(UInt8(ascii: "-"))
        put(day, 2); out.append(UInt8(ascii: "T"))
        put(Int(secondOfDay / 3600), 2); out.append(UInt8(ascii: ":"))
        put(Int(secondOfDay / 60 % 60), 2); out.append(UInt8(ascii: ":"))
        put(Int(secondOfDay % 60), 2); out.append(UInt8(ascii: "."))
        put(Int(micros), 6); out.append(UInt8(ascii: "Z"))
    }

    private static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
