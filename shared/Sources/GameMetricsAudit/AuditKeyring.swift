import Foundation
import GameMetricsKit

/// An audit chain's keys: new rows are keyed with `current`; rows keyed with `previous` (during
/// a key rotation) still verify. A key is the UTF-8 bytes of the value (a file's content without
/// trailing whitespace), at least 32 bytes.
public struct AuditKeyring: Sendable {
    public let current: AuditChainKey
    public let previous: AuditChainKey?

    public init(current: AuditChainKey, previous: AuditChainKey? = nil) {
        self.current = current
        self.previous = previous
    }

    /// Reads `variable` or `<variable>_FILE` (required, one of the two) and optionally
    /// `previousVariable[_FILE]`; by default the user service's `GM_AUDIT_HMAC_KEY` and
    /// `GM_AUDIT_HMAC_PREVIOUS_KEY`.
    public init(
        environment: EnvironmentReader, variable: String = "GM_AUDIT_HMAC_KEY", previousVariable: String = "GM_AUDIT_HMAC_PREVIOUS_KEY"
    ) throws {
        guard let current = try Self.key(environment, variable) else {
            throw ConfigurationError(variable: variable, problem: "is required but not set (nor \(variable)_FILE)")
        }
        self.init(current: current, previous: try Self.key(environment, previousVariable))
    }

    /// The key with this id, or nil.
    public func key(id: String) -> AuditChainKey? {
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
