import Foundation

/// Refresh tokens, looked up by fingerprint.
protocol RefreshTokenRepository: Sendable {
    func token(fingerprint: String) async throws -> RefreshToken?
    /// Spends the token presented by `clientID` and stores its successor under `nextFingerprint`.
    /// Presenting an already rotated token revokes its family (reuse detection).
    func rotate(fingerprint: String, clientID: String, nextFingerprint: String) async throws -> RefreshTokenRotation
    func revokeFamily(_ familyID: UUID) async throws
}
