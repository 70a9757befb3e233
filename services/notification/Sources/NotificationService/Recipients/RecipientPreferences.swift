import Foundation

/// A player's address and wishes, as the service keeps them.
struct RecipientPreferences: Sendable, Equatable, Codable {
    var email: String?
    /// IANA time zone name the quiet hours are in.
    var timeZone: String
    /// Quiet hours as minutes of the local day, `start` inclusive, `end` exclusive; they may
    /// wrap midnight (22:00–07:00). Nil when the player has none.
    var quietHours: QuietHours?
    /// Templates the player does not want.
    var optedOut: Set<NotificationTemplate>
    /// When the player unsubscribed from everything (the List-Unsubscribe link); nil if not.
    var unsubscribedAt: Date?

    enum CodingKeys: String, CodingKey {
        case email
        case timeZone = "time_zone"
        case quietHours = "quiet_hours"
        case optedOut = "opted_out"
        case unsubscribedAt = "unsubscribed_at"
    }
}

/// A daily window in which a player gets no message; messages due then wait for its end.
struct QuietHours: Sendable, Equatable, Codable {
    var startMinute: Int
    var endMinute: Int

    enum CodingKeys: String, CodingKey {
        case startMinute = "start_minute"
        case endMinute = "end_minute"
    }

    /// When the window that `date` falls in ends, or nil when `date` is outside it.
    func end(containing date: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let inside = startMinute <= endMinute ? (minute >= startMinute && minute < endMinute) : (minute >= startMinute || minute < endMinute)
        guard inside, startMinute != endMinute else { return nil }
        let startOfDay = calendar.startOfDay(for: date)
        var end = calendar.date(byAdding: .minute, value: endMinute, to: startOfDay) ?? date
        if end <= date { end = calendar.date(byAdding: .day, value: 1, to: end) ?? date }
        return end
    }
}
