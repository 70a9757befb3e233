#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Parses the two date forms S3 uses: ISO 8601 in XML (`2026-11-21T23:53:40.43Z`, with 0-9
/// fraction digits) and RFC 1123 in `Last-Modified` (`Sat, 21 Nov 2026 23:53:40 GMT`). Done by
/// hand because the fraction length varies by server and `DateFormatter` is neither cheap nor
/// Sendable.
enum S3DateParser {
    static func iso8601(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count >= 20,
            let year = number(chars, 0, 4), chars[4] == UInt8(ascii: "-"),
            let month = number(chars, 5, 2), chars[7] == UInt8(ascii: "-"),
            let day = number(chars, 8, 2), chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " "),
            let hour = number(chars, 11, 2), chars[13] == UInt8(ascii: ":"),
            let minute = number(chars, 14, 2), chars[16] == UInt8(ascii: ":"),
            let second = number(chars, 17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < chars.count, let digit = digit(chars[index]) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds = 0
        if index < chars.count, chars[index] == UInt8(ascii: "Z") {
            index += 1
        } else if index + 6 == chars.count, chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-"),
            let oh = number(chars, index + 1, 2), let om = number(chars, index + 4, 2)
        {
            offsetSeconds = (chars[index] == UInt8(ascii: "+") ? 1 : -1) * (oh * 3600 + om * 60)
            index += 6
        } else {
            return nil
        }
        guard index == chars.count else { return nil }
        return date(year, month, day, hour, minute, second, fraction: fraction, offset: offsetSeconds)
    }

    static func rfc1123(_ text: String) -> Date? {
        // "Sat, 21 Nov 2026 23:53:40 GMT"
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT" || parts[5] == "UTC",
            let day = Int(parts[1]), let year = Int(parts[3]),
            let month = months.firstIndex(of: String(parts[2])).map({ $0 + 1 })
        else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2])
        else { return nil }
        return date(year, month, day, hour, minute, second, fraction: 0, offset: 0)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func date(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int,
        fraction: Double, offset: Int
    ) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        // Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func number(_ chars: [UInt8], _ start: Int, _ length: Int) -> Int? {
        guard start + length <= chars.count else { return nil }
        var value = 0
        for i in start..<start + length {
            guard let d = digit(chars[i]) else { return nil }
            value = value * 10 + d
        }
        return value
    }
}
