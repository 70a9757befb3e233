import Foundation
import GameMetricsKit

/// An audit chain's head as last anchored outside PostgreSQL: the newest verified row's `seq`
/// and `hash` (and the key that made it), when it was anchored, the latest daily digest
/// (``AuditDigest``) and a MAC over all of that under the chain key, so that even someone able to
/// write to the anchor's bucket cannot forge one. Stored as JSON in S3 (``AuditAnchorStore``).
public struct AuditAnchor: Codable, Sendable, Equatable {
    public var seq: Int64
    public var hash: String
    /// The key id of the row at `seq`; nil when that row predates keying.
    public var keyID: String?
    /// RFC 3339 with milliseconds, kept as text: the MAC covers exactly these characters (a
    /// `Date` would not survive the JSON round trip to the same text).
    public var anchoredAt: String
    /// The latest daily digest, written just before this anchor; nil in anchors written before
    /// digests existed (their MAC is the first version's, which does not cover one).
    public var digest: AuditDigestReference?
    /// The key id of the key that made `mac`.
    public var macKeyID: String
    public var mac: String

    enum CodingKeys: String, CodingKey {
        case seq, hash, mac, digest
        case keyID = "key_id"
        case anchoredAt = "anchored_at"
        case macKeyID = "mac_key_id"
    }

    public init(seq: Int64, hash: String, keyID: String?, anchoredAt: Date, digest: AuditDigestReference?, key: AuditChainKey) {
        self.seq = seq
        self.hash = hash
        self.keyID = keyID
        self.anchoredAt = RFC3339Millis.string(anchoredAt)
        self.digest = digest
        macKeyID = key.id
        mac = ""
        mac = key.mac(signedText)
    }

    /// What the MAC covers: every other field, one per line, after a label that keeps it apart
    /// from the chain's own MACs and the digests'. Without a digest it is the first version's
    /// text, so anchors written before digests still verify.
    public var signedText: String {
        let head = [String(seq), hash, keyID ?? "-", anchoredAt]
        guard let digest else { return (["gamemetrics audit anchor v1"] + head).joined(separator: "\n") }
        return (["gamemetrics audit anchor v2"] + head + [digest.key, digest.sha256]).joined(separator: "\n")
    }

    /// Whether the MAC verifies under a key of `keys`.
    public func isAuthentic(under keys: AuditKeyring) -> Bool {
        guard let key = keys.key(id: macKeyID) else { return false }
        return key.mac(signedText) == mac
    }

    public func encoded() throws -> [UInt8] {
        Array(try ErasureMessage.encoder.encode(self))
    }

    public static func decode(_ bytes: [UInt8]) throws -> AuditAnchor {
        try ErasureMessage.decoder.decode(AuditAnchor.self, from: Data(bytes))
    }
}
