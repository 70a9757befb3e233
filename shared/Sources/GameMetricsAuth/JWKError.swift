/// Why a JWK cannot be used to verify ES256 tokens.
public enum JWKError: Error, Sendable, Equatable {
    case unsupportedKeyType(String)
    case unsupportedCurve(String?)
    case unsupportedAlgorithm(String)
    /// `use` is present and is not "sig" (e.g. an encryption key).
    case notForSignatures
    /// `x`/`y` are missing, not 32-byte base64url values, or not a point on P-256.
    case invalidCoordinates
}
