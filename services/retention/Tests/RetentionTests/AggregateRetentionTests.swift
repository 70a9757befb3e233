import Foundation
import GameMetricsTesting
import PostgresNIO
import Testing

@testable import Retention

@Suite("Aggregates outlive raw events")
struct AggregateRetentionTests {
    @Test("the minute grain goes after its window, the hour and day grains only after the tenant's whole policy")
    func grainsKeptByTheirWindows() async throws {
        try await RetentionFixture.run { fixture in
            let today = ArchiveDay(Date())
            // (tenant, grain, age in days): alpha keeps 5 + 365 days, beta the defaults (30 + 2555).
            let rows: [(String, String, Int)] = [
                ("alpha", "minute", 31), ("alpha", "minute", 29), ("alpha", "hour", 371), ("alpha", "hour", 369), ("alpha", "day", 371),
                ("beta", "minute", 31), ("beta", "hour", 371), ("beta", "day", 2600),
            ]
            try await fixture.withOwner { owner in
                for (tenant, grain, age) in rows {
                    let bucket = today.adding(days: -age).start
                    try await owner.query(
                        """
                        INSERT INTO event_metrics (tenant_id, grain, bucket, game_id, event_type, currency, events, amount_minor, session_duration_ms)
                        VALUES (\(tenant), \(grain), \(bucket), 'game-1', 'bet', 'EUR', 1, 100, 0)
                        """, logger: fixture.logger)
                    try await owner.query(
                        "INSERT INTO player_activity (tenant_id, grain, bucket, game_id, player_id) VALUES (\(tenant), \(grain), \(bucket), '', 'player-1')",
                        logger: fixture.logger)
                }
            }
            try await fixture.setPolicy("alpha", hotDays: 5, archiveDays: 365)
            let report = try await fixture.withParts { try await $0.pass(metrics: RetentionMetrics()).run() }

            #expect(report.aggregateRowsDeleted["minute"] == 4)
            #expect(report.aggregateRowsDeleted["hour_and_day"] == 6)
            for table in ["event_metrics", "player_activity"] {
                let kept = try await fixture.count(
                    "SELECT count(*)::int FROM \(table) WHERE (tenant_id, grain) IN (('alpha', 'minute'), ('alpha', 'hour'), ('beta', 'hour'))")
                #expect(kept == 3, "\(table)")
                #expect(try await fixture.count("SELECT count(*)::int FROM \(table)") == 3, "\(table)")
            }
        }
    }
}
