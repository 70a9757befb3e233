import Foundation

/// A one-time authorization code (RFC 6749 §4.1), bound to its client, redirect URI and PKCE
/// challenge. Only the code's fingerprint is stored.
struct AuthorizationCode: Sendable, Equatable {
    var fingerprint: String
    var clientID: String
    var tenantID: String
    var operatorID: UUID
    var redirectURI: String
    /// The S256 challenge; S256 is the only method accepted, so the method is not stored.
    var codeChallenge: String
    /// Space-separated roles granted.
    var scope: String
    var expiresAt: Date
}
