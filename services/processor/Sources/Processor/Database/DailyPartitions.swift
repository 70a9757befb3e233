import Foundation
import Logging
import PostgresNIO

/// Keeps one `events_raw` partition per UTC day ready, from the oldest day ingestion accepts
/// (7 days back) to `daysAhead` days from now. Rows outside them land in `events_raw_default`.
struct DailyPartitions: Sendable {
    let client: PostgresClient
    let daysAhead: Int
    let logger: Logger
    /// Ingestion refuses events older than 7 days; one more day covers the window's edge.
    let daysBack = 8

    /// Creates the partitions that are missing; safe to run from several processes at once.
    /// The processor's role does not own `events_raw`: the owner's `ensure_events_raw_partition`
    /// (SECURITY DEFINER, processor migration 6) creates each one under an advisory lock.
    func ensure(around now: Date = Date()) async throws {
        var created: [String] = []
        for offset in -daysBack...daysAhead {
            let day = DailyPartitions.day(now, offset: offset)
            do {
                let rows = try await client.query("SELECT ensure_events_raw_partition(\(day.date)::date)", logger: logger)
                for try await wasCreated in rows.decode(Bool.self) where wasCreated {
                    created.append(day.name)
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23514" {
                // The default partition already holds rows of that day: they stay there.
                logger.error(
                    "daily partition not created: the default partition holds rows of that day",
                    metadata: [
                        "partition": "\(day.name)", "error": "\(String(reflecting: error))",
                    ])
            }
        }
        if !created.isEmpty {
            logger.info("daily partitions created", metadata: ["partitions": "\(created)"])
        }
    }

    /// Also the key the partition functions lock with (they are created with its value).
    static let lockKey: Int64 = 0x676d_7061_7274_6e73

    struct Day {
        let compact: String
        /// `YYYY-MM-DD`, the argument of the partition functions.
        let date: String
        let start: String
        let end: String
        var name: String { "events_raw_p" + compact }
    }

    static func day(_ now: Date, offset: Int) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: now)
        let start = calendar.date(byAdding: .day, value: offset, to: today)!
        let end = calendar.date(byAdding: .day, value: 1, to: start)!
        let parts = calendar.dateComponents([.year, .month, .day], from: start)
        let compact = String(format: "%04d%02d%02d", parts.year!, parts.month!, parts.day!)
        let date = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        return Day(compact: compact, date: date, start: timestamp(start), end: timestamp(end))
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}
