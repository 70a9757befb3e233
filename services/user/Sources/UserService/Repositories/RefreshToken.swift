import Foundation

/// A stored refresh token (by fingerprint). Tokens of one login form a family: each use rotates
/// the token within its family, and the family keeps the first token's absolute expiry.
struct RefreshToken: Sendable, Equatable {
    var fingerprint: String
    var familyID: UUID
    var clientID: String
    var tenantID: String
    var operatorID: UUID
    var scope: String
    /// Fingerprint of the authorization code the family started from.
    var authorizationCode: String?
    var createdAt: Date
    var expiresAt: Date
    var rotatedAt: Date?
    var revokedAt: Date?

    /// Usable now: not rotated, not revoked, not expired.
    func isActive(at now: Date = Date()) -> Bool {
        rotatedAt == nil && revokedAt == nil && expiresAt > now
    }
}
