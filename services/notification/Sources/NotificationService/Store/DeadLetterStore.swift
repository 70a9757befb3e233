import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO

/// The dead notifications of each tenant: the DLQ operators list, inspect and replay, and the
/// outbox from which ``DeadLetterPublisher`` puts each on `notifications.dlq`.
struct DeadLetterStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    struct DeadLetter: Sendable, Equatable {
        var tenantID: String
        var id: UUID
        var channel: String
        var destination: String
        var playerID: String?
        var template: String
        var data: String
        var createdAt: Date
        var deadAt: Date
        var outcome: String
        var replays: Int
        var attempts: [AttemptRecord]
    }

    /// A tenant's dead notifications, newest first, after `before` (the previous page's last
    /// `dead_at`, for paging).
    func list(tenantID: String, before: Date?, limit: Int) async throws -> [DeadLetter] {
        let rows = try await client.query(
            """
            SELECT n.tenant_id, n.notification_id, n.channel, n.destination, n.player_id, n.template, n.data::text, n.created_at,
                   n.finished_at, n.outcome, n.replays
              FROM notifications n
             WHERE n.tenant_id = \(tenantID) AND n.status = 'dead' AND (\(before)::timestamptz IS NULL OR n.finished_at < \(before))
             ORDER BY n.finished_at DESC
             LIMIT \(limit)
            """, logger: logger)
        var letters: [DeadLetter] = []
        for try await row in rows {
            letters.append(try Self.deadLetter(row))
        }
        return letters
    }

    /// One dead notification with every attempt, or nil (not this tenant's, not dead).
    func inspect(tenantID: String, id: UUID) async throws -> DeadLetter? {
        let rows = try await client.query(
            """
            SELECT n.tenant_id, n.notification_id, n.channel, n.destination, n.player_id, n.template, n.data::text, n.created_at,
                   n.finished_at, n.outcome, n.replays
              FROM notifications n
             WHERE n.tenant_id = \(tenantID) AND n.notification_id = \(id) AND n.status = 'dead'
            """, logger: logger)
        var found: DeadLetter?
        for try await row in rows { found = try Self.deadLetter(row) }
        guard var letter = found else { return nil }
        letter.attempts = try await attempts(tenantID: tenantID, id: id)
        return letter
    }

    func attempts(tenantID: String, id: UUID) async throws -> [AttemptRecord] {
        let rows = try await client.query(
            """
            SELECT attempt, replay, started_at, finished_at, outcome, error, status_code FROM notification_attempts
             WHERE tenant_id = \(tenantID) AND notification_id = \(id) ORDER BY replay, attempt
            """, logger: logger)
        var attempts: [AttemptRecord] = []
        for try await (attempt, replay, started, finished, outcome, error, status) in rows.decode((Int, Int, Date, Date, String, String?, Int?).self) {
            attempts.append(
                AttemptRecord(attempt: attempt, replay: replay, startedAt: started, finishedAt: finished, outcome: outcome, error: error, statusCode: status))
        }
        return attempts
    }

    /// Puts a dead notification back in the queue with its id (so receivers can drop a repeat)
    /// and a fresh count of attempts; false when there is none (not this tenant's, not dead, or
    /// erased since).
    func replay(tenantID: String, id: UUID) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE notifications SET status = 'pending', attempts = 0, replays = replays + 1, next_attempt_at = now(),
                   finished_at = NULL, outcome = NULL
             WHERE tenant_id = \(tenantID) AND notification_id = \(id) AND status = 'dead'
            RETURNING notification_id
            """, logger: logger)
        var replayed = false
        for try await _ in rows { replayed = true }
        return replayed
    }

    /// Dead notifications not yet on the DLQ topic, oldest first.
    func unpublished(limit: Int) async throws -> [DeadLetter] {
        let rows = try await client.query(
            """
            SELECT n.tenant_id, n.notification_id, n.channel, n.destination, n.player_id, n.template, n.data::text, n.created_at,
                   n.finished_at, n.outcome, n.replays
              FROM notifications n
             WHERE n.status = 'dead' AND NOT n.dead_letter_published
             ORDER BY n.finished_at
             LIMIT \(limit)
            """, logger: logger)
        var letters: [DeadLetter] = []
        for try await row in rows { letters.append(try Self.deadLetter(row)) }
        for index in letters.indices {
            letters[index].attempts = try await attempts(tenantID: letters[index].tenantID, id: letters[index].id)
        }
        return letters
    }

    func markPublished(_ letter: DeadLetter) async throws {
        try await client.query(
            """
            UPDATE notifications SET dead_letter_published = true
             WHERE tenant_id = \(letter.tenantID) AND notification_id = \(letter.id) AND status = 'dead'
            """, logger: logger)
    }

    private static func deadLetter(_ row: PostgresRow) throws -> DeadLetter {
        let (tenant, id, channel, destination, player, template, data, created, dead, outcome, replays) = try row.decode(
            (String, UUID, String, String, String?, String, String, Date, Date?, String?, Int).self)
        return DeadLetter(
            tenantID: tenant, id: id, channel: channel, destination: destination, playerID: player, template: template, data: data,
            createdAt: created, deadAt: dead ?? created, outcome: outcome ?? "permanent", replays: replays, attempts: [])
    }
}
