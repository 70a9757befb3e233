import Crypto

/// Proof Key for Code Exchange (RFC 7636) for the authorization-code flow: the client commits to
/// a secret verifier when it asks for a code and must present it to redeem the code, so an
/// intercepted code is useless to anyone else.
public enum PKCE: Sendable {
    /// The only supported `code_challenge_method`.
    ///
    /// "plain" is refused: its challenge *is* the verifier, so anyone who sees the authorization
    /// request (browser history, logs, a malicious app on the redirect) can redeem the code —
    /// exactly the attack PKCE exists to stop. RFC 7636 §4.2 allows plain only for clients that
    /// cannot compute SHA-256, and every client we support can. OAuth 2.1 drops it too.
    public static let s256 = "S256"

    /// RFC 7636 §4.1: 43–128 characters of `[A-Za-z0-9-._~]`.
    public static func isValidVerifier(_ verifier: String) -> Bool {
        let bytes = verifier.utf8
        guard (43...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy(isUnreserved)
    }

    /// The S256 challenge: BASE64URL(SHA256(ASCII(verifier))).
    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(SHA256.hash(data: Array(verifier.utf8)))
    }

    /// `true` when `method` is "S256", `verifier` is well-formed and its challenge equals
    /// `challenge` (compared in constant time).
    public static func verify(verifier: String, challenge: String, method: String) -> Bool {
        guard method == s256, isValidVerifier(verifier) else { return false }
        return ConstantTime.equals(Array(Self.challenge(for: verifier).utf8), Array(challenge.utf8))
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
