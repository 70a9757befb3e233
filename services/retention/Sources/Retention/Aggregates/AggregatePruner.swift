import Foundation
import Logging
import PostgresNIO

/// How long the processor's aggregates are kept (ADR 0036): the minute grain for
/// `minuteGrainDays` (analytics-api's `GM_ANALYTICS_MINUTE_GRAIN_DAYS` must say the same, since it
/// serves ranges from minutes only that far back); the hour and day grains as long as the
/// tenant's whole policy (hot and archive windows) — the hour grain serves local-time days, so it
/// goes no sooner than the day grain. Raw events leave PostgreSQL far sooner; the aggregates
/// outlive them.
struct AggregatePruner: Sendable {
    static let tables = ["event_metrics", "active_players", "player_activity", "player_bitmaps"]

    let postgres: PostgresClient
    let minuteGrainDays: Int
    let logger: Logger

    /// Deletes what is past its grain's window; returns the rows deleted per grain.
    func prune(today: ArchiveDay, policies: [String: RetentionPolicy], defaults: RetentionPolicy) async throws -> [String: Int] {
        var deleted = ["minute": 0, "hour_and_day": 0]
        let minuteCutoff = today.adding(days: -minuteGrainDays).start
        let defaultCutoff = today.adding(days: -(defaults.hotDays + defaults.archiveDays)).start
        let ownPolicies = policies.keys.sorted()
        for table in Self.tables {
            deleted["minute", default: 0] += try await delete(
                "DELETE FROM \(unescaped: table) WHERE grain = 'minute' AND bucket < \(minuteCutoff)")
            deleted["hour_and_day", default: 0] += try await delete(
                """
                DELETE FROM \(unescaped: table)
                 WHERE grain IN ('hour', 'day') AND bucket < \(defaultCutoff) AND tenant_id <> ALL(\(ownPolicies)::text[])
                """)
            for (tenantID, policy) in policies.sorted(by: { $0.key < $1.key }) {
                let cutoff = today.adding(days: -(policy.hotDays + policy.archiveDays)).start
                deleted["hour_and_day", default: 0] += try await delete(
                    "DELETE FROM \(unescaped: table) WHERE tenant_id = \(tenantID) AND grain IN ('hour', 'day') AND bucket < \(cutoff)")
            }
        }
        return deleted
    }

    private func delete(_ query: PostgresQuery) async throws -> Int {
        var counted = query
        counted.sql = "WITH gone AS (\(query.sql) RETURNING 1) SELECT count(*)::int FROM gone"
        var count = 0
        for try await rows in try await postgres.query(counted, logger: logger).decode(Int.self) { count = rows }
        return count
    }
}
