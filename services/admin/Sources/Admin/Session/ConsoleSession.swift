import Foundation
import GameMetricsHTTP

/// One operator's login at the console: who they are (from the verified access token), the
/// tokens the console calls the other services with, and the form token every post must carry.
/// Kept in Redis only (``SessionStore``); the browser holds an opaque id.
struct ConsoleSession: Codable, Sendable {
    var tenantID: String
    var subject: String
    var roles: [String]
    var accessToken: String
    var accessExpiresAt: Date
    var refreshToken: String
    /// Compared with the `csrf_token` field of every form post (synchronizer token).
    var csrfToken: String
    var createdAt: Date

    func has(_ role: Identity.Role) -> Bool {
        Identity(tenantID: tenantID, subject: subject, roles: Set(roles.compactMap(Identity.Role.init(rawValue:)))).has(role)
    }

    var isAdmin: Bool { has(.admin) }
    var isOperator: Bool { has(.operator) }
}
