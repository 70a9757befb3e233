import Crypto
import Foundation

/// One AES-256-GCM key that seals the signing keys' private halves in `signing_keys`. It lives
/// outside PostgreSQL (`GM_SIGNING_KEY_ENCRYPTION_KEY[_FILE]`, a mounted secret), so a copy of
/// the database — a backup, a replica, a role that can read the table — cannot sign tokens.
struct SigningKeyEncryptionKey: Sendable {
    static let byteCount = 32
    private static let idLabel = Array("gamemetrics signing key encryption id v1".utf8)

    private let key: SymmetricKey
    /// 16 hex digits derived from the key (not the key itself), stored with each sealed row so
    /// that a row sealed under another key is named as such instead of failing obscurely.
    let id: String

    struct WrongLength: Error, CustomStringConvertible {
        var description: String { "a signing key encryption key must be exactly \(SigningKeyEncryptionKey.byteCount) bytes" }
    }

    init(bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else { throw WrongLength() }
        key = SymmetricKey(data: bytes)
        id = key.identifier(label: Self.idLabel)
    }

    /// nonce ‖ ciphertext ‖ tag. The key id (`kid`) is authenticated data, so a sealed key moved
    /// to another row does not open.
    func seal(_ privateKeyPEM: String, kid: String) throws -> Data {
        let box = try AES.GCM.seal(Array(privateKeyPEM.utf8), using: key, authenticating: Array(kid.utf8))
        guard let combined = box.combined else { throw SigningKeyStore.KeyStoreError.sealingFailed }
        return combined
    }

    /// The PEM, or an error when the data was not sealed under this key for this `kid`.
    func open(_ sealed: Data, kid: String) throws -> String {
        let plaintext = try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Array(kid.utf8))
        return String(decoding: plaintext, as: UTF8.self)
    }
}
