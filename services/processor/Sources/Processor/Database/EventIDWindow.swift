import Foundation
import Logging
import PostgresNIO

/// Forgets the event ids (`event_ids`) seen longer ago than the dedupe window, a chunk at a time
/// so no transaction holds many row locks; run hourly by `SchemaPreparation`.
struct EventIDWindow: Sendable {
    let client: PostgresClient
    let window: Duration
    let logger: Logger
    static let chunk: Int64 = 10_000

    @discardableResult
    func prune(now: Date = Date()) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(window.components.seconds))
        var forgotten = 0
        while true {
            let rows = try await client.query(
                """
                WITH gone AS (
                    DELETE FROM event_ids
                    WHERE ctid = ANY(ARRAY(SELECT ctid FROM event_ids WHERE seen_at < \(cutoff) LIMIT \(Self.chunk)))
                    RETURNING 1
                )
                SELECT count(*)::bigint FROM gone
                """, logger: logger)
            let deleted = try await rows.collect().first?.decode(Int64.self) ?? 0
            forgotten += Int(deleted)
            if deleted < Self.chunk { return forgotten }
        }
    }
}
