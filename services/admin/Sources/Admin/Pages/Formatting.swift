import Foundation
import GameMetricsKit

/// How the console writes numbers, amounts and times: the same everywhere, in the operator's
/// chosen time zone.
enum Formatting {
    /// 1234567 → "1,234,567" (rounded to a whole number).
    static func count(_ value: Double) -> String {
        let whole = Int(value.rounded())
        let digits = String(abs(whole))
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (whole < 0 ? "-" : "") + grouped
    }

    /// Minor units of `currency` in major units with the currency's decimals (ISO 4217):
    /// 123456 EUR → "1,234.56 EUR".
    static func amount(_ minor: Double, _ currency: String) -> String {
        let decimals = minorUnitDigits[currency] ?? 2
        let scale = pow(10.0, Double(decimals))
        let major = minor / scale
        let whole = count(major.rounded(.towardZero))
        guard decimals > 0 else { return "\(whole) \(currency)" }
        let fraction = Int((abs(minor).truncatingRemainder(dividingBy: scale)).rounded())
        let sign = minor < 0 && major > -1 ? "-" : ""
        return "\(sign)\(whole).\(String(fraction).leftPadded(to: decimals)) \(currency)"
    }

    static let minorUnitDigits: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0,
        "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0, "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    ]

    /// The day (YYYY-MM-DD) in the zone named `zone` of an RFC 3339 instant.
    static func day(of instant: String, in zone: String) -> String {
        guard let date = RFC3339.parse(instant), let timeZone = TimeZone(identifier: zone == "UTC" ? "GMT" : zone) else { return String(instant.prefix(10)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    /// The start of `date`'s day in `zone`.
    static func startOfDay(_ date: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.startOfDay(for: date)
    }

    /// The operator's time zone from `?tz=` (an IANA name), UTC when absent; nil when unknown.
    /// The name is kept as given: Foundation calls UTC "GMT", which analytics-api does not take.
    static func timeZone(_ name: String?) -> NamedTimeZone? {
        guard let name, !name.isEmpty else { return NamedTimeZone(name: "UTC", zone: TimeZone(secondsFromGMT: 0)!) }
        guard name.utf8.count <= 64, let zone = TimeZone(identifier: name) else { return nil }
        return NamedTimeZone(name: name, zone: zone)
    }
}

/// An IANA time zone with the name the operator chose.
struct NamedTimeZone: Sendable {
    let name: String
    let zone: TimeZone
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: Swift.max(0, length - count)) + self
    }
}
