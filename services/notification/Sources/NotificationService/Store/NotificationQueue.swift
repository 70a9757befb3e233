import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO

/// The queue of notifications in PostgreSQL: intake inserts, delivery workers claim what is due
/// (`FOR UPDATE SKIP LOCKED`, a few per tenant per claim), record each attempt and its outcome.
/// A claim moves `next_attempt_at` past the attempt's lease, so a worker that dies mid-attempt
/// leaves the notification to be claimed again, with the same id, once the lease ends.
struct NotificationQueue: Sendable {
    let client: PostgresClient
    let subjects: ErasedSubjects
    let logger: Logger

    // MARK: Intake

    /// Queues `notification` unless its idempotency key was used before. A player's
    /// notification is checked against the erasure record under the erasure lock held shared,
    /// so one that arrives (from a backlog, a replay) after the player's erasure is recorded as
    /// suppressed and never sent.
    func enqueue(_ notification: NewNotification) async throws -> EnqueueResult {
        try await client.withTransactionEndingWithConnection(logger: logger) { connection in
            var notification = notification
            if let player = notification.playerID, notification.suppressedBecause == nil {
                try await ErasedSubjects.holdShared(on: connection, logger: logger)
                let subject = ByteBuffer(bytes: subjects.subject(tenantID: notification.tenantID, playerID: player))
                let erased = try await connection.answeredStatement("SELECT 1 FROM erased_subjects WHERE subject = \(subject)", logger: logger)
                if erased.count > 0 { notification.suppressedBecause = .erased }
            }
            let status = notification.suppressedBecause == nil ? "pending" : "suppressed"
            let data = String(decoding: try JSONEncoder.sorted.encode(notification.data), as: UTF8.self)
            let hash = ByteBuffer(bytes: notification.requestHash)
            let inserted = try await connection.answeredStatement(
                """
                INSERT INTO notifications (tenant_id, notification_id, idempotency_key, request_hash, source, channel, destination,
                    player_id, template, data, status, next_attempt_at, finished_at, outcome, traceparent)
                VALUES (\(notification.tenantID), \(UUID()), \(notification.idempotencyKey), \(hash), \(notification.source),
                    \(notification.channel.rawValue), \(notification.destination), \(notification.playerID), \(notification.template.rawValue),
                    \(data)::jsonb, \(status), now(), CASE WHEN \(status) = 'suppressed' THEN now() END,
                    \(notification.suppressedBecause?.rawValue), \(notification.traceparent))
                ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
                RETURNING notification_id
                """, logger: logger)
            if let row = inserted.first {
                return .created(try row.decode(UUID.self), status: status)
            }
            let existing = try await connection.answeredStatement(
                """
                SELECT notification_id, request_hash, status FROM notifications
                 WHERE tenant_id = \(notification.tenantID) AND idempotency_key = \(notification.idempotencyKey)
                """, logger: logger)
            guard let row = existing.first else { throw QueueError.vanished }
            let (id, storedHash, storedStatus) = try row.decode((UUID, ByteBuffer, String).self)
            guard Array(storedHash.readableBytesView) == notification.requestHash else { return .conflict(id) }
            return .repeated(id, status: storedStatus)
        }
    }

    /// Whether `tenantID` has at least `limit` notifications pending (counted up to the limit only).
    func hasPending(tenantID: String, atLeast limit: Int) async throws -> Bool {
        let rows = try await client.query(
            """
            SELECT count(*)::bigint FROM (
                SELECT 1 FROM notifications WHERE tenant_id = \(tenantID) AND status = 'pending' LIMIT \(limit)
            ) pending
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count >= limit }
        return false
    }

    // MARK: Delivery

    /// Claims up to `limit` due notifications, at most `perTenant` of one tenant, oldest due
    /// first, and counts the attempt each is about to get; their next attempt moves `lease` ahead.
    func claim(limit: Int, perTenant: Int, lease: Duration) async throws -> [QueuedNotification] {
        let leaseMilliseconds = Int64(lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000)
        let rows = try await client.query(
            """
            WITH due_tenants AS (
                SELECT DISTINCT tenant_id FROM notifications WHERE status = 'pending' AND next_attempt_at <= now()
            ), picked AS (
                SELECT n.tenant_id, n.notification_id, n.next_attempt_at FROM due_tenants t
                CROSS JOIN LATERAL (
                    SELECT tenant_id, notification_id, next_attempt_at FROM notifications
                     WHERE tenant_id = t.tenant_id AND status = 'pending' AND next_attempt_at <= now()
                     ORDER BY next_attempt_at
                     LIMIT \(perTenant)
                     FOR UPDATE SKIP LOCKED
                ) n
                ORDER BY n.next_attempt_at
                LIMIT \(limit)
            )
            UPDATE notifications q
               SET attempts = q.attempts + 1, next_attempt_at = now() + make_interval(secs => \(leaseMilliseconds)::double precision / 1000)
              FROM picked
             WHERE q.tenant_id = picked.tenant_id AND q.notification_id = picked.notification_id
            RETURNING q.tenant_id, q.notification_id, q.channel, q.destination, q.player_id, q.template, q.data::text,
                      q.attempts, q.replays, q.created_at, q.traceparent
            """, logger: logger)
        var claimed: [QueuedNotification] = []
        for try await row in rows {
            let (tenant, id, channel, destination, player, template, data, attempts, replays, createdAt, traceparent) = try row.decode(
                (String, UUID, String, String, String?, String, String, Int, Int, Date, String?).self)
            guard let channel = Channel(rawValue: channel), let template = NotificationTemplate(rawValue: template) else { continue }
            let values = (try? JSONDecoder().decode([String: String].self, from: Data(data.utf8))) ?? [:]
            claimed.append(
                QueuedNotification(
                    tenantID: tenant, id: id, channel: channel, destination: destination, playerID: player, template: template, data: values,
                    attempts: attempts, replays: replays, createdAt: createdAt, traceparent: traceparent))
        }
        return claimed
    }

    /// Records the attempt and where the notification goes next.
    func finish(_ notification: QueuedNotification, startedAt: Date, outcome: AttemptOutcome, next: NextStep) async throws {
        try await client.withTransactionEndingWithConnection(logger: logger) { connection in
            _ = try await connection.answeredStatement(
                """
                INSERT INTO notification_attempts (tenant_id, notification_id, attempt, replay, started_at, outcome, error, status_code)
                SELECT \(notification.tenantID), \(notification.id), \(notification.attempts), \(notification.replays), \(startedAt),
                       \(outcome.name), \(outcome.error.map { Self.clipped($0) }), \(outcome.statusCode)
                 WHERE EXISTS (SELECT 1 FROM notifications WHERE tenant_id = \(notification.tenantID) AND notification_id = \(notification.id))
                ON CONFLICT DO NOTHING
                """, logger: logger)
            switch next {
            case .delivered:
                _ = try await connection.answeredStatement(
                    """
                    UPDATE notifications SET status = 'delivered', finished_at = now(), outcome = 'delivered'
                     WHERE tenant_id = \(notification.tenantID) AND notification_id = \(notification.id) AND status = 'pending'
                    """, logger: logger)
            case .retry(let delay):
                let milliseconds = Int64(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)
                _ = try await connection.answeredStatement(
                    """
                    UPDATE notifications SET next_attempt_at = now() + make_interval(secs => \(milliseconds)::double precision / 1000)
                     WHERE tenant_id = \(notification.tenantID) AND notification_id = \(notification.id) AND status = 'pending'
                    """, logger: logger)
            case .dead:
                _ = try await connection.answeredStatement(
                    """
                    UPDATE notifications SET status = 'dead', finished_at = now(), outcome = \(outcome.name), dead_letter_published = false
                     WHERE tenant_id = \(notification.tenantID) AND notification_id = \(notification.id) AND status = 'pending'
                    """, logger: logger)
            }
        }
    }

    /// Gives a claimed notification back without an attempt: it is due again at `until`.
    func postpone(_ notification: QueuedNotification, until: Date) async throws {
        try await client.query(
            """
            UPDATE notifications SET attempts = greatest(attempts - 1, 0), next_attempt_at = \(until)
             WHERE tenant_id = \(notification.tenantID) AND notification_id = \(notification.id) AND status = 'pending'
            """, logger: logger)
    }

    /// Ends a claimed notification without sending it.
    func suppress(_ notification: QueuedNotification, because reason: SuppressionReason) async throws {
        try await client.query(
            """
            UPDATE notifications SET status = 'suppressed', finished_at = now(), outcome = \(reason.rawValue),
                   attempts = greatest(attempts - 1, 0)
             WHERE tenant_id = \(notification.tenantID) AND notification_id = \(notification.id) AND status = 'pending'
            """, logger: logger)
    }

    /// Where a notification goes after an attempt.
    enum NextStep: Sendable, Equatable {
        case delivered
        case retry(after: Duration)
        case dead
    }

    enum QueueError: Error { case vanished }

    /// An error text stored with an attempt is cut to 1,000 characters.
    static func clipped(_ text: String) -> String {
        text.count <= 1_000 ? text : String(text.prefix(997)) + "..."
    }
}

extension JSONEncoder {
    /// Keys in order, so equal data encodes to equal bytes (request hashes, stored JSON).
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
