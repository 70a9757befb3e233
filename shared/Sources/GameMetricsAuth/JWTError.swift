/// Why `JWTVerifier` rejected a token. Reasons are safe to log and to return to the client in a
/// `WWW-Authenticate` description; none carries token content.
public enum JWTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not three base64url JSON segments, larger than `JWTVerifier.maximumTokenBytes`, a header
    /// with `crit` extensions, or claims of the wrong type.
    case malformed
    /// The header's `alg` is not "ES256" (this covers "none" and HS256 confusion attempts).
    case unsupportedAlgorithm
    /// No `kid` in the header, or one the verifier has no key for.
    case unknownKey
    case badSignature
    case expired
    case notYetValid
    case wrongIssuer
    case wrongAudience
    /// A required claim is absent, e.g. `missingClaim("exp")`.
    case missingClaim(String)

    public var description: String {
        switch self {
        case .malformed: "malformed token"
        case .unsupportedAlgorithm: "unsupported signing algorithm"
        case .unknownKey: "unknown signing key"
        case .badSignature: "bad signature"
        case .expired: "token expired"
        case .notYetValid: "token not yet valid"
        case .wrongIssuer: "wrong issuer"
        case .wrongAudience: "wrong audience"
        case .missingClaim(let name): "missing claim \(name)"
        }
    }
}
