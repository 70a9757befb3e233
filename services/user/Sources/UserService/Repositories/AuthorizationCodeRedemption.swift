/// What presenting an authorization code at the token endpoint came to.
enum AuthorizationCodeRedemption: Sendable {
    /// No such code.
    case unknown
    /// The code had been used before; every refresh token issued from it is now revoked.
    case replayed
    /// The code was burnt but failed a check (expired, other client, redirect URI, PKCE).
    case rejected(String)
    /// The code was valid; the refresh token was stored in the same transaction.
    case redeemed(AuthorizationCode, RefreshToken)
}
