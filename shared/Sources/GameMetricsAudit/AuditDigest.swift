import Foundation
import GameMetricsKit

/// The digest of one UTC day of an audit chain, at `<prefix>digests/YYYY/MM/DD.json` beside the
/// head anchor: the head as anchored that day (rewritten by each anchoring of the day, so the
/// day's last one stays), and `previous`, the key and SHA-256 of the most recent earlier day's
/// digest. The digests form a chain back to the first day, each MAC'd under the chain key: a
/// deleted or replaced digest breaks a `previous` link, and each digest pins the row at its
/// `seq` to its hash — history the single head anchor does not keep.
public struct AuditDigest: Codable, Sendable, Equatable {
    /// `YYYY-MM-DD` (UTC).
    public var day: String
    public var seq: Int64
    public var hash: String
    /// The key id of the row at `seq`; nil when that row predates keying.
    public var keyID: String?
    /// The most recent earlier day's digest; nil for the chain's first digest.
    public var previous: AuditDigestReference?
    /// RFC 3339 with milliseconds, as text (covered by the MAC).
    public var anchoredAt: String
    public var macKeyID: String
    public var mac: String

    enum CodingKeys: String, CodingKey {
        case day, seq, hash, previous, mac
        case keyID = "key_id"
        case anchoredAt = "anchored_at"
        case macKeyID = "mac_key_id"
    }

    public init(
        day: String, seq: Int64, hash: String, keyID: String?, previous: AuditDigestReference?, anchoredAt: Date, key: AuditChainKey
    ) {
        self.day = day
        self.seq = seq
        self.hash = hash
        self.keyID = keyID
        self.previous = previous
        self.anchoredAt = RFC3339Millis.string(anchoredAt)
        macKeyID = key.id
        mac = ""
        mac = key.mac(signedText)
    }

    /// The UTC day of `date`, `YYYY-MM-DD`.
    public static func day(of date: Date) -> String {
        String(RFC3339Millis.string(date).prefix(10))
    }

    /// What the MAC covers: every other field, one per line, after a label of its own.
    public var signedText: String {
        [
            "gamemetrics audit digest v1", day, String(seq), hash, keyID ?? "-", previous?.key ?? "-", previous?.sha256 ?? "-",
            anchoredAt,
        ].joined(separator: "\n")
    }

    /// Whether the MAC verifies under a key of `keys`.
    public func isAuthentic(under keys: AuditKeyring) -> Bool {
        guard let key = keys.key(id: macKeyID) else { return false }
        return key.mac(signedText) == mac
    }

    public func encoded() throws -> [UInt8] {
        Array(try ErasureMessage.encoder.encode(self))
    }

    public static func decode(_ bytes: [UInt8]) throws -> AuditDigest {
        try ErasureMessage.decoder.decode(AuditDigest.self, from: Data(bytes))
    }
}
