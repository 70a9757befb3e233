import Foundation
import GameMetricsKit

/// The JSON body of a webhook: what happened, to whom, and the template's data. The same bytes
/// on every attempt (the signature's timestamp is the header's, not the body's).
struct WebhookPayload: Encodable {
    let id: String
    let type: String
    let tenantID: String
    let playerID: String?
    let createdAt: String
    let data: [String: String]

    init(_ notification: QueuedNotification) {
        id = notification.messageID
        type = notification.template.rawValue
        tenantID = notification.tenantID
        playerID = notification.playerID
        createdAt = RFC3339.format(notification.createdAt)
        data = notification.data
    }

    enum CodingKeys: String, CodingKey {
        case id, type, data
        case tenantID = "tenant_id"
        case playerID = "player_id"
        case createdAt = "created_at"
    }

    func encoded() throws -> [UInt8] {
        Array(try JSONEncoder.sorted.encode(self))
    }
}
