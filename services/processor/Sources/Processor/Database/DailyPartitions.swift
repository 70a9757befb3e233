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
    func ensure(around now: Date = Date()) async throws {
        var created: [String] = []
        for offset in -daysBack...daysAhead {
            let day = DailyPartitions.day(now, offset: offset)
            let name = "events_raw_p" + day.compact
            // Names and bounds come from dates computed here, never from input.
            let statement = """
                CREATE TABLE IF NOT EXISTS \(name) PARTITION OF events_raw
                FOR VALUES FROM ('\(day.start)') TO ('\(day.end)')
                """
            do {
                try await client.withTransaction(logger: logger) { connection in
                    // Serialises concurrent creators, which would otherwise race on the catalog.
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                    let exists = try await connection.query("SELECT to_regclass(\(name)) IS NOT NULL", logger: logger)
                        .collect().first?.decode(Bool.self) ?? false
                    if !exists {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        created.append(name)
                    }
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23514" {
                // The default partition already holds rows of that day: they stay there.
                logger.error("daily partition not created: the default partition holds rows of that day", metadata: [
                    "partition": "\(name)", "error": "\(String(reflecting: error))",
                ])
            }
        }
        if !created.isEmpty {
            logger.info("daily partitions created", metadata: ["partitions": "\(created)"])
        }
    }

    static let lockKey: Int64 = 0x676d_7061_7274_6e73

    struct Day {
        let compact: String
        let start: String
        let end: String
    }

    static func day(_ now: Date, offset: Int) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: now)
        let start = calendar.date(byAdding: .day, value: offset, to: today)!
        let end = calendar.date(byAdding: .day, value: 1, to: start)!
        let parts = calendar.dateComponents([.year, .month, .day], from: start)
        let compact = String(format: "%04d%02d%02d", parts.year!, parts.month!, parts.day!)
        return Day(compact: compact, start: timestamp(start), end: timestamp(end))
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}
