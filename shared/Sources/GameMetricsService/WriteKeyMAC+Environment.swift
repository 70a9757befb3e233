import Foundation
import GameMetricsAuth
import GameMetricsKit

extension WriteKeyMAC {
    /// Reads the secret shared by the user service and ingestion: `GM_WRITE_KEY_MAC_SECRET` or
    /// `GM_WRITE_KEY_MAC_SECRET_FILE` (required, one of the two), and during a rotation the
    /// old one in `GM_WRITE_KEY_MAC_PREVIOUS_SECRET` or `GM_WRITE_KEY_MAC_PREVIOUS_SECRET_FILE`.
    /// A secret is its UTF-8 bytes (a file's content without trailing whitespace), at least 32.
    public init(environment: EnvironmentReader) throws {
        guard let current = try Self.secret(environment, "GM_WRITE_KEY_MAC_SECRET") else {
            throw ConfigurationError(variable: "GM_WRITE_KEY_MAC_SECRET", problem: "is required but not set (nor GM_WRITE_KEY_MAC_SECRET_FILE)")
        }
        let previous = try Self.secret(environment, "GM_WRITE_KEY_MAC_PREVIOUS_SECRET")
        try self.init(current: current, previous: previous)
    }

    private static func secret(_ environment: EnvironmentReader, _ variable: String) throws -> [UInt8]? {
        guard let value = try environment.secret(variable) else { return nil }
        guard value.utf8.count >= minimumSecretBytes else {
            throw ConfigurationError(variable: variable, problem: "must be at least \(minimumSecretBytes) bytes long")
        }
        return Array(value.utf8)
    }
}
