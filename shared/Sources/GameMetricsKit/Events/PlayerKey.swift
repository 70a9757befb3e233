/// The Kafka record key of everything about one player — `tenant:player` in UTF-8 — on
/// `player.events.raw`, `player.events.processed`, `privacy.erasure` and every other topic keyed by
/// player (charts/kafka/topics.json). One key keeps a player's records in order on one partition,
/// lets a tombstone replace the player's state on a compacted topic, and puts an erasure request
/// and its completions on one partition. Every producer and checker builds it here.
public enum PlayerKey {
    public static func bytes(tenantID: String, playerID: String) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(tenantID.utf8.count + 1 + playerID.utf8.count)
        key.append(contentsOf: tenantID.utf8)
        key.append(UInt8(ascii: ":"))
        key.append(contentsOf: playerID.utf8)
        return key
    }

    public static func string(tenantID: String, playerID: String) -> String {
        String(decoding: bytes(tenantID: tenantID, playerID: playerID), as: UTF8.self)
    }
}
