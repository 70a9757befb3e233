import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// One notification as its tenant sees it: status, attempts so far, when it ended.
struct NotificationStatus: ResponseEncodable, Equatable {
    let notificationID: String
    let messageID: String
    let channel: String
    let template: String
    let status: String
    let outcome: String?
    let createdAt: Date
    let finishedAt: Date?
    let attempts: [AttemptRecord]

    enum CodingKeys: String, CodingKey {
        case channel, template, status, outcome, attempts
        case notificationID = "notification_id"
        case messageID = "message_id"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
    }
}

struct NotificationStatusReader: Sendable {
    let client: PostgresClient
    let deadLetters: DeadLetterStore
    let logger: Logger

    func status(tenantID: String, id: UUID) async throws -> NotificationStatus? {
        let rows = try await client.query(
            """
            SELECT channel, template, status, outcome, created_at, finished_at FROM notifications
             WHERE tenant_id = \(tenantID) AND notification_id = \(id)
            """, logger: logger)
        for try await (channel, template, status, outcome, created, finished) in rows.decode((String, String, String, String?, Date, Date?).self) {
            let lowered = id.uuidString.lowercased()
            return NotificationStatus(
                notificationID: lowered, messageID: "msg_" + lowered, channel: channel, template: template, status: status, outcome: outcome,
                createdAt: created, finishedAt: finished, attempts: try await deadLetters.attempts(tenantID: tenantID, id: id))
        }
        return nil
    }
}
