import Foundation
import HTTPTypes

/// How an HTTP receiver's answer counts: 2xx delivered; 408, 425, 429 and 5xx worth another
/// try (after `Retry-After` when it says so); any other status refused for good (a 4xx, or a
/// redirect, which is never followed).
enum ReceiverAnswer {
    static func outcome(status: Int, headers: HTTPFields, now: Date = Date()) -> AttemptOutcome {
        switch status {
        case 200..<300:
            return .delivered(statusCode: status)
        case 408, 425, 429, 500..<600:
            return .transient(error: "receiver answered \(status)", statusCode: status, retryAfter: retryAfter(headers, now: now))
        default:
            return .permanent(error: "receiver answered \(status)", statusCode: status)
        }
    }

    /// `Retry-After` as seconds or as an HTTP date (RFC 9110), nil when absent or unreadable.
    static func retryAfter(_ headers: HTTPFields, now: Date) -> Duration? {
        guard let value = headers[HTTPField.Name("Retry-After")!]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Int(value), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }
}
