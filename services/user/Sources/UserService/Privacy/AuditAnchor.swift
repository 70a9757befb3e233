import Foundation
import GameMetricsKit

/// The audit chain's head as last anchored outside PostgreSQL: the newest verified row's `seq`
/// and `hash` (and the key that made it), when it was anchored, and a MAC over all of that
/// under the chain key, so that even someone able to write to the anchor's bucket cannot forge
/// one. Stored as JSON in S3 (``AuditAnchorStore``).
struct AuditAnchor: Codable, Sendable, Equatable {
    var seq: Int64
    var hash: String
    /// The key id of the row at `seq`; nil when that row predates keying.
    var keyID: String?
    /// RFC 3339 with milliseconds, kept as text: the MAC covers exactly these characters (a
    /// `Date` would not survive the JSON round trip to the same text).
    var anchoredAt: String
    /// The key id of the key that made `mac`.
    var macKeyID: String
    var mac: String

    enum CodingKeys: String, CodingKey {
        case seq, hash, mac
        case keyID = "key_id"
        case anchoredAt = "anchored_at"
        case macKeyID = "mac_key_id"
    }

    init(seq: Int64, hash: String, keyID: String?, anchoredAt: Date, key: AuditChainKey) {
        self.seq = seq
        self.hash = hash
        self.keyID = keyID
        self.anchoredAt = RFC3339Millis.string(anchoredAt)
        macKeyID = key.id
        mac = ""
        mac = key.mac(signedText)
    }

    /// What the MAC covers: every other field, one per line, after a label that keeps it apart
    /// from the chain's own MACs.
    var signedText: String {
        ["gamemetrics audit anchor v1", String(seq), hash, keyID ?? "-", anchoredAt].joined(separator: "\n")
    }

    /// Whether the MAC verifies under a key of `keys`.
    func isAuthentic(under keys: AuditKeyring) -> Bool {
        guard let key = keys.key(id: macKeyID) else { return false }
        return key.mac(signedText) == mac
    }

    func encoded() throws -> [UInt8] {
        Array(try ErasureMessage.encoder.encode(self))
    }

    static func decode(_ bytes: [UInt8]) throws -> AuditAnchor {
        try ErasureMessage.decoder.decode(AuditAnchor.self, from: Data(bytes))
    }
}
