import Foundation

/// How long a tenant's raw events live: `hotDays` in PostgreSQL (counted from the UTC day they
/// occurred), then `archiveDays` more in the S3 archive, then nowhere. `archiveDays` 0 deletes
/// them when they leave PostgreSQL. Aggregates are not governed by it (ADR 0036).
struct RetentionPolicy: Codable, Sendable, Equatable {
    static let hotDaysRange = 1...3650
    static let archiveDaysRange = 0...36500

    var hotDays: Int
    var archiveDays: Int

    enum CodingKeys: String, CodingKey {
        case hotDays = "hot_days"
        case archiveDays = "archive_days"
    }

    /// Whether events of `day` stay in PostgreSQL on `today`.
    func isHot(_ day: ArchiveDay, today: ArchiveDay) -> Bool {
        day.adding(days: hotDays) > today
    }

    /// Whether events of `day`, or their archive, are kept at all on `today`.
    func isKept(_ day: ArchiveDay, today: ArchiveDay) -> Bool {
        day.adding(days: hotDays + archiveDays) > today
    }
}
