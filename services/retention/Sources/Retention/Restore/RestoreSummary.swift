import Foundation
import GameMetricsKit

/// One restore: an archived day of a tenant loaded into `restored_events` for investigation.
struct RestoreSummary: Codable, Sendable, Equatable {
    var restoreID: UUID
    var tenantID: String
    var day: String
    var objects: Int
    var rows: Int
    var requestedBy: String
    var createdAt: String
    var expiresAt: String

    enum CodingKeys: String, CodingKey {
        case objects, rows, day
        case restoreID = "restore_id"
        case tenantID = "tenant_id"
        case requestedBy = "requested_by"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }
}
