import Foundation
import Hummingbird

/// An operator brand. Its id is what every other table and every token carries.
struct Tenant: Codable, Sendable, Equatable, ResponseEncodable {
    var id: String
    var name: String
    var requestsPerSecondLimit: Int
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name
        case requestsPerSecondLimit = "requests_per_second_limit"
        case createdAt = "created_at"
    }
}

/// A machine caller of one tenant, authenticated by client id and secret.
struct ServiceClient: Codable, Sendable, Equatable, ResponseEncodable {
    var clientID: String
    var tenantID: String
    var name: String
    var roles: [String]
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case tenantID = "tenant_id"
        case name, roles
        case createdAt = "created_at"
    }
}

/// A tenant's ingestion credential as listed: the key itself is shown only once, at creation.
struct WriteKey: Codable, Sendable, Equatable, ResponseEncodable {
    var id: UUID
    var name: String
    /// The key's first characters, so operators can tell keys apart.
    var hint: String
    var createdAt: Date
    var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, hint
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }
}
