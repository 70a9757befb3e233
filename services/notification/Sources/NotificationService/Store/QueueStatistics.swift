import Foundation
import Logging
import PostgresNIO

/// What the queue gauges show: pending per channel, how long the longest-waiting due
/// notification has waited past its due time (what the autoscaler scales on: notifications in
/// backoff are not waiting for a worker), and the dead ones.
struct QueueStatistics: Sendable, Equatable {
    var pending: [Channel: Int]
    var oldestDueWait: Double
    var dead: Int

    static func read(_ client: PostgresClient, logger: Logger) async throws -> QueueStatistics {
        var pending: [Channel: Int] = [:]
        let counts = try await client.query(
            "SELECT channel, count(*)::bigint FROM notifications WHERE status = 'pending' GROUP BY channel", logger: logger)
        for try await (channel, count) in counts.decode((String, Int).self) {
            if let channel = Channel(rawValue: channel) { pending[channel] = count }
        }
        var wait = 0.0
        let oldest = try await client.query(
            """
            SELECT coalesce(extract(epoch FROM now() - min(next_attempt_at)), 0)::double precision
              FROM notifications WHERE status = 'pending' AND next_attempt_at <= now()
            """, logger: logger)
        for try await value in oldest.decode(Double.self) { wait = max(0, value) }
        var dead = 0
        let deadRows = try await client.query("SELECT count(*)::bigint FROM notifications WHERE status = 'dead'", logger: logger)
        for try await value in deadRows.decode(Int.self) { dead = value }
        return QueueStatistics(pending: pending, oldestDueWait: wait, dead: dead)
    }
}
