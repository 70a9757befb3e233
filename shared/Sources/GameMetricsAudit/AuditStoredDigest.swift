import Crypto
import GameMetricsKit

/// A digest object as read from the bucket: its key, the SHA-256 of its bytes (what a
/// ``AuditDigestReference`` names) and its content, nil when the bytes are not a digest.
public struct AuditStoredDigest: Sendable, Equatable {
    public let key: String
    public let sha256: String
    public let digest: AuditDigest?

    public init(key: String, bytes: [UInt8]) {
        self.key = key
        sha256 = Hex.lowercase(SHA256.hash(data: bytes))
        digest = try? AuditDigest.decode(bytes)
    }

    public var reference: AuditDigestReference { AuditDigestReference(key: key, sha256: sha256) }
}
