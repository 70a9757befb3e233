import Foundation
import GameMetricsKit

/// The keys that seal signing keys at rest: new rows and every row on load are sealed with
/// `current`; rows sealed with `previous` (during a rotation of the encryption key) still open,
/// and are re-sealed with `current` when the service starts. Read from
/// `GM_SIGNING_KEY_ENCRYPTION_KEY` or `GM_SIGNING_KEY_ENCRYPTION_KEY_FILE` (required, one of the
/// two) and optionally `GM_SIGNING_KEY_ENCRYPTION_PREVIOUS_KEY[_FILE]`: base64 of exactly 32
/// random bytes (`openssl rand -base64 32`).
struct SigningKeyEncryption: Sendable {
    let current: SigningKeyEncryptionKey
    let previous: SigningKeyEncryptionKey?

    init(current: SigningKeyEncryptionKey, previous: SigningKeyEncryptionKey? = nil) {
        self.current = current
        self.previous = previous
    }

    init(environment: EnvironmentReader) throws {
        guard let current = try Self.key(environment, "GM_SIGNING_KEY_ENCRYPTION_KEY") else {
            throw ConfigurationError(
                variable: "GM_SIGNING_KEY_ENCRYPTION_KEY", problem: "is required but not set (nor GM_SIGNING_KEY_ENCRYPTION_KEY_FILE)")
        }
        self.init(current: current, previous: try Self.key(environment, "GM_SIGNING_KEY_ENCRYPTION_PREVIOUS_KEY"))
    }

    /// The key with this id, or nil.
    func key(id: String) -> SigningKeyEncryptionKey? {
        if current.id == id { return current }
        if let previous, previous.id == id { return previous }
        return nil
    }

    private static func key(_ environment: EnvironmentReader, _ variable: String) throws -> SigningKeyEncryptionKey? {
        guard let value = try environment.secret(variable) else { return nil }
        guard let bytes = Data(base64Encoded: value), bytes.count == SigningKeyEncryptionKey.byteCount else {
            throw ConfigurationError(variable: variable, problem: "must be base64 of exactly \(SigningKeyEncryptionKey.byteCount) bytes")
        }
        return try SigningKeyEncryptionKey(bytes: Array(bytes))
    }
}
