import Crypto
import GameMetricsKit

/// Random bearer secrets that mean nothing by themselves — event write keys, refresh tokens,
/// client secrets — and the fingerprint the database keeps instead of the secret.
public enum OpaqueToken: Sendable {
    /// Prefix for tenants' event write keys.
    public static let writeKeyPrefix = "gmk_"
    /// Prefix for OAuth2 refresh tokens.
    public static let refreshTokenPrefix = "gmr_"

    /// `prefix` followed by `bytes` bytes from the system CSPRNG, base64url-encoded without
    /// padding (43 characters for the default 32 bytes = 256 bits). The prefix makes a leaked
    /// secret recognisable to secret scanners and to support staff; it adds no entropy.
    ///
    /// Secrets need at least 16 bytes (128 bits) for `fingerprint` to be a safe way to store
    /// them; smaller sizes are for public identifiers such as OAuth client IDs.
    public static func generate(bytes: Int = 32, prefix: String = "") -> String {
        precondition(bytes > 0, "an opaque token needs at least one random byte")
        var generator = SystemRandomNumberGenerator()
        let random = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Base64URL.encode(random)
    }

    /// Lowercase hex SHA-256 of the token's UTF-8 bytes (prefix included): what the database
    /// stores and looks tokens up by.
    ///
    /// A fast, unsalted hash is right here and wrong for passwords: a 256-bit random token cannot
    /// be guessed however fast the hash is, so slowing it down buys nothing and would cost a KDF
    /// run on every API request, and the lack of salt is what makes lookup by fingerprint
    /// possible. Passwords are low-entropy and guessable, so they get scrypt (`PasswordHasher`).
    public static func fingerprint(_ token: String) -> String {
        Hex.lowercase(SHA256.hash(data: Array(token.utf8)))
    }
}
