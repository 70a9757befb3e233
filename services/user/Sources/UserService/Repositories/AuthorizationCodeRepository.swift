import Foundation

/// Public clients and the authorization codes issued to them.
protocol AuthorizationCodeRepository: Sendable {
    func client(_ clientID: String) async throws -> AuthorizationCodeClient?
    /// false when the client id is taken.
    func register(_ client: AuthorizationCodeClient) async throws -> Bool
    func store(_ code: AuthorizationCode) async throws
    /// Atomically burns the code, runs `check` on it (a non-nil reason rejects it) and stores the
    /// refresh token `refreshToken` makes for it. A code presented a second time revokes every
    /// refresh token issued from it (RFC 6749 §4.1.2).
    func redeem(
        fingerprint: String, check: @Sendable (AuthorizationCode) -> String?,
        refreshToken: @Sendable (AuthorizationCode) -> RefreshToken
    ) async throws -> AuthorizationCodeRedemption
}
