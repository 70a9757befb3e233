import Crypto
import Foundation
import GameMetricsKit

/// The secret that keys an audit chain (HMAC-SHA256). It lives outside PostgreSQL (a mounted
/// secret such as `GM_AUDIT_HMAC_KEY_FILE`), so a database role — even the owner or a superuser —
/// can rewrite rows but cannot compute the hashes that make them verify.
public struct AuditChainKey: Sendable {
    /// A key needs at least this many bytes (256 bits, the size of HMAC-SHA256's output).
    public static let minimumBytes = 32
    private static let idLabel = Array("gamemetrics audit key id v1".utf8)

    private let key: SymmetricKey
    /// 16 hex digits derived from the key (not the key): stored with each row, so the verifier
    /// knows which key made it and a row made under an unknown key is named as such.
    public let id: String

    public struct TooShort: Error, CustomStringConvertible {
        public var description: String { "an audit chain key needs at least \(AuditChainKey.minimumBytes) bytes" }
    }

    public init(secret: [UInt8]) throws {
        guard secret.count >= Self.minimumBytes else { throw TooShort() }
        key = SymmetricKey(data: secret)
        id = String(Hex.lowercase(HMAC<SHA256>.authenticationCode(for: Self.idLabel, using: key)).prefix(16))
    }

    /// Lowercase hex HMAC-SHA256 of `message`'s UTF-8 bytes.
    public func mac(_ message: String) -> String {
        Hex.lowercase(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
    }
}
