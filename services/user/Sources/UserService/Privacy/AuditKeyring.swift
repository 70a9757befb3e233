import Foundation
import GameMetricsKit

/// The audit chain's keys: new rows are keyed with `current`; rows keyed with `previous` (during
/// a key rotation) still verify. Read from `GM_AUDIT_HMAC_KEY` or `GM_AUDIT_HMAC_KEY_FILE`
/// (required, one of the two) and optionally `GM_AUDIT_HMAC_PREVIOUS_KEY[_FILE]`. A key is the
/// UTF-8 bytes of the value (a file's content without trailing whitespace), at least 32 bytes.
struct AuditKeyring: Sendable {
    let current: AuditChainKey
    let previous: AuditChainKey?

    init(current: AuditChainKey, previous: AuditChainKey? = nil) {
        self.current = current
        self.previous = previous
    }

    init(environment: EnvironmentReader) throws {
        guard let current = try Self.key(environment, "GM_AUDIT_HMAC_KEY") else {
            throw ConfigurationError(variable: "GM_AUDIT_HMAC_KEY", problem: "is required but not set (nor GM_AUDIT_HMAC_KEY_FILE)")
        }
        self.init(current: current, previous: try Self.key(environment, "GM_AUDIT_HMAC_PREVIOUS_KEY"))
    }

    /// The key with this id, or nil.
    func key(id: String) -> AuditChainKey? {
        if current.id == id { return current }
        if let previous, previous.id == id { return previous }
        return nil
    }

    private static func key(_ environment: EnvironmentReader, _ variable: String) throws -> AuditChainKey? {
        guard let value = try environment.secret(variable) else { return nil }
        do {
            return try AuditChainKey(secret: Array(value.utf8))
        } catch {
            throw ConfigurationError(variable: variable, problem: "must be at least \(AuditChainKey.minimumBytes) bytes long")
        }
    }
}
