/// Names one digest object exactly: its key in the anchor bucket and the SHA-256 of its bytes,
/// so that a replaced object no longer matches what names it.
public struct AuditDigestReference: Codable, Sendable, Equatable {
    public var key: String
    /// Lowercase hex SHA-256 of the object's bytes as written.
    public var sha256: String

    public init(key: String, sha256: String) {
        self.key = key
        self.sha256 = sha256
    }
}
