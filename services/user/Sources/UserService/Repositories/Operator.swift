import Foundation
import Hummingbird

/// A person who signs in to the admin dashboard for one tenant. The password hash never leaves
/// the repository in this type.
struct Operator: Codable, Sendable, Equatable, ResponseEncodable {
    var id: UUID
    var tenantID: String
    var email: String
    var roles: [String]
    var createdAt: Date
    var disabledAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, email, roles
        case tenantID = "tenant_id"
        case createdAt = "created_at"
        case disabledAt = "disabled_at"
    }
}
