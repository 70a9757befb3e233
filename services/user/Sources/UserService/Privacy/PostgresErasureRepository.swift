import Foundation
import GameMetricsAudit
import GameMetricsKit
import Logging
import PostgresNIO

/// Erasure requests in PostgreSQL, each call one transaction inside `TenantScope` (row-level
/// security), with its audit rows appended in that same transaction.
struct PostgresErasureRepository: ErasureRepository {
    let scope: TenantScope
    /// Keys the audit rows (`GM_AUDIT_HMAC_KEY`).
    let auditKey: AuditChainKey
    private var logger: Logger { scope.logger }

    private typealias RequestRow = (UUID, String, String, String, Date, [String], String, Date?, String?)
    private static let requestColumns =
        "request_id, tenant_id, player_id, requested_by, requested_at, participants, status, completed_at, failure"
    private typealias ConfirmationRow = (UUID, String, String, Date, Date, String?)
    private static let confirmationColumns = "request_id, service, status, finished_at, recorded_at, reason"

    func create(_ request: ErasureRequest) async throws {
        try await scope.run(tenant: request.tenantID) { connection in
            try await connection.query(
                """
                INSERT INTO erasure_requests (request_id, tenant_id, player_id, requested_by, requested_at, participants, status)
                VALUES (\(request.requestID), \(request.tenantID), \(request.playerID), \(request.requestedBy),
                        \(request.requestedAt), \(request.participants), 'pending')
                """, logger: logger)
            try await AuditLog.append(
                to: .user, on: connection, tenant: request.tenantID, actor: request.requestedBy, action: "erasure.requested",
                subject: Self.subject(request.playerID),
                payload: .object([
                    "request_id": .string(request.requestID.uuidString.lowercased()),
                    "player_id": .string(request.playerID),
                    "participants": .array(request.participants.map(JSONValue.string)),
                    "requested_at": .string(RFC3339Millis.string(request.requestedAt)),
                ]),
                key: auditKey, logger: logger)
        }
    }

    func markPublishFailed(_ requestID: UUID, tenant: String, reason: String) async throws {
        try await scope.run(tenant: tenant) { connection in
            let rows = try await connection.query(
                """
                UPDATE erasure_requests SET status = 'failed', failure = \("not published: " + reason)
                WHERE request_id = \(requestID) RETURNING player_id
                """, logger: logger)
            for try await playerID in rows.decode(String.self) {
                try await AuditLog.append(
                    to: .user, on: connection, tenant: tenant, actor: "service:user", action: "erasure.publish_failed",
                    subject: Self.subject(playerID),
                    payload: .object(["request_id": .string(requestID.uuidString.lowercased()), "reason": .string(reason)]),
                    key: auditKey, logger: logger)
            }
        }
    }

    func status(_ requestID: UUID, tenant: String) async throws -> ErasureStatusDocument? {
        try await scope.run(tenant: tenant) { connection in
            let requests = try await Self.requests(
                connection.query(
                    "SELECT \(unescaped: Self.requestColumns) FROM erasure_requests WHERE request_id = \(requestID)",
                    logger: logger))
            guard let request = requests.first else { return nil }
            let confirmations = try await Self.confirmations(
                connection.query(
                    "SELECT \(unescaped: Self.confirmationColumns) FROM erasure_confirmations WHERE request_id = \(requestID)",
                    logger: logger))
            return ErasureStatusDocument(request: request, confirmations: confirmations[requestID] ?? [])
        }
    }

    /// Deletes the player's data held by the user service (its profile) inside the erasure
    /// participant's transaction; the row counts per table.
    func erasePlayerData(_ request: ErasureRequested, on connection: PostgresConnection) async throws -> [String: Int] {
        try await scope.enter(tenant: request.tenantID, on: connection)
        let rows = try await connection.query(
            "DELETE FROM players WHERE player_id = \(request.playerID) RETURNING 1", logger: logger)
        return ["players": try await rows.collect().count]
    }

    func record(_ completion: ErasureCompleted) async throws -> ConfirmationOutcome {
        let tenant = completion.tenantID
        return try await scope.run(tenant: tenant) { connection in
            // The row lock serialises reports for one request (two services confirming at once).
            let requests = try await Self.requests(
                connection.query(
                    """
                    SELECT \(unescaped: Self.requestColumns) FROM erasure_requests
                    WHERE request_id = \(completion.requestID) AND player_id = \(completion.playerID)
                    FOR UPDATE
                    """, logger: logger))
            guard var request = requests.first else { return .unknownRequest }

            // A success replaces an earlier failure (the service retried); nothing replaces a success,
            // and a repeated failure is a redelivery.
            let upserted = try await connection.query(
                """
                INSERT INTO erasure_confirmations (request_id, tenant_id, service, status, finished_at, reason)
                VALUES (\(completion.requestID), \(tenant), \(completion.service), \(completion.status.rawValue),
                        \(completion.completedAt), \(completion.reason))
                ON CONFLICT (request_id, service) DO UPDATE
                    SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at,
                        recorded_at = now(), reason = EXCLUDED.reason
                    WHERE erasure_confirmations.status = 'failed' AND EXCLUDED.status = 'completed'
                RETURNING service
                """, logger: logger)
            guard try await upserted.collect().count == 1 else { return .duplicate }

            var payload: [String: JSONValue] = [
                "request_id": .string(completion.requestID.uuidString.lowercased()),
                "service": .string(completion.service),
                "status": .string(completion.status.rawValue),
                "completed_at": .string(RFC3339Millis.string(completion.completedAt)),
            ]
            if let deleted = completion.deleted {
                payload["deleted"] = .object(deleted.mapValues { .number(String($0)) })
            }
            if let reason = completion.reason { payload["reason"] = .string(reason) }
            try await AuditLog.append(
                to: .user, on: connection, tenant: tenant, actor: "service:\(completion.service)",
                action: completion.status == .completed ? "erasure.store_completed" : "erasure.store_failed",
                subject: Self.subject(completion.playerID), payload: .object(payload), key: auditKey, logger: logger)

            guard request.status != .completed else { return .recorded(.completed) }
            let confirmations =
                try await Self.confirmations(
                    connection.query(
                        "SELECT \(unescaped: Self.confirmationColumns) FROM erasure_confirmations WHERE request_id = \(completion.requestID)",
                        logger: logger))[completion.requestID] ?? []
            let completed = Set(confirmations.filter { $0.status == .completed }.map(\.service))
            let failed = confirmations.filter { $0.status == .failed && request.participants.contains($0.service) }
            let next: ErasureRequest.Status
            let failure: String?
            if request.participants.allSatisfy(completed.contains) {
                next = .completed
                failure = nil
            } else if !failed.isEmpty {
                next = .failed
                failure = failed.sorted { $0.service < $1.service }
                    .map { "\($0.service): \($0.reason ?? "failed")" }.joined(separator: "; ")
            } else {
                next = .pending
                failure = nil
            }
            guard next != request.status || failure != request.failure else { return .recorded(next) }
            request.status = next
            let rows = try await connection.query(
                """
                UPDATE erasure_requests
                SET status = \(next.rawValue), failure = \(failure),
                    completed_at = CASE WHEN \(next.rawValue) = 'completed' THEN clock_timestamp() END
                WHERE request_id = \(completion.requestID)
                RETURNING completed_at
                """, logger: logger)
            var completedAt: Date?
            for try await value in rows.decode(Date?.self) { completedAt = value }
            if next != .pending {
                var summary: [String: JSONValue] = [
                    "request_id": .string(completion.requestID.uuidString.lowercased()),
                    "status": .string(next.rawValue),
                ]
                if let completedAt {
                    summary["completed_at"] = .string(RFC3339Millis.string(completedAt))
                    summary["total_ms"] = .number(String(Int((completedAt.timeIntervalSince(request.requestedAt) * 1000).rounded())))
                }
                if let failure { summary["failure"] = .string(failure) }
                try await AuditLog.append(
                    to: .user, on: connection, tenant: tenant, actor: "service:user",
                    action: next == .completed ? "erasure.completed" : "erasure.failed",
                    subject: Self.subject(completion.playerID), payload: .object(summary), key: auditKey, logger: logger)
            }
            return .recorded(next)
        }
    }

    func requests(forPlayer playerID: String, tenant: String) async throws -> [ErasureStatusDocument] {
        try await scope.run(tenant: tenant) { connection in
            let requests = try await Self.requests(
                connection.query(
                    """
                    SELECT \(unescaped: Self.requestColumns) FROM erasure_requests
                    WHERE player_id = \(playerID) ORDER BY requested_at, request_id
                    """, logger: logger))
            let confirmations = try await Self.confirmations(
                connection.query(
                    """
                    SELECT \(unescaped: Self.confirmationColumns) FROM erasure_confirmations
                    WHERE request_id IN (SELECT request_id FROM erasure_requests WHERE player_id = \(playerID))
                    """, logger: logger))
            return requests.map { ErasureStatusDocument(request: $0, confirmations: confirmations[$0.requestID] ?? []) }
        }
    }

    func auditEntries(forPlayer playerID: String, tenant: String) async throws -> [AuditEntry] {
        try await scope.run(tenant: tenant) { connection in
            try await AuditLog.entries(
                connection.query(
                    """
                    SELECT \(unescaped: AuditLog.selectColumns) FROM \(unescaped: AuditChain.user.table)
                    WHERE tenant_id = \(tenant) AND subject = \(Self.subject(playerID)) ORDER BY seq
                    """, logger: logger))
        }
    }

    static func subject(_ playerID: String) -> String { "player:\(playerID)" }

    private static func requests(_ rows: PostgresRowSequence) async throws -> [ErasureRequest] {
        var requests: [ErasureRequest] = []
        for try await (id, tenant, player, by, at, participants, status, completedAt, failure) in rows.decode(RequestRow.self) {
            requests.append(
                ErasureRequest(
                    requestID: id, tenantID: tenant, playerID: player, requestedBy: by, requestedAt: at,
                    participants: participants, status: ErasureRequest.Status(rawValue: status) ?? .pending,
                    completedAt: completedAt, failure: failure))
        }
        return requests
    }

    private static func confirmations(_ rows: PostgresRowSequence) async throws -> [UUID: [ErasureConfirmation]] {
        var result: [UUID: [ErasureConfirmation]] = [:]
        for try await (id, service, status, finished, recorded, reason) in rows.decode(ConfirmationRow.self) {
            result[id, default: []].append(
                ErasureConfirmation(
                    service: service, status: ErasureCompleted.Outcome(rawValue: status) ?? .failed,
                    finishedAt: finished, recordedAt: recorded, reason: reason))
        }
        return result
    }
}
