/// A cluster's answer that the command belongs elsewhere: `MOVED slot host:port` (the slot lives
/// there now; update the map) or `ASK slot host:port` (this one key is being migrated there; send
/// `ASKING` and the command to that node once, without updating the map).
enum ClusterRedirect: Hashable {
    case moved(slot: Int, to: RedisEndpoint)
    case ask(slot: Int, to: RedisEndpoint)

    init?(errorReply message: String, askedHost: String) {
        let parts = message.split(separator: " ")
        guard parts.count == 3, let slot = Int(parts[1]), (0..<RedisHashSlot.count).contains(slot),
            let endpoint = RedisEndpoint(redisAddress: parts[2], defaultHost: askedHost)
        else { return nil }
        switch parts[0] {
        case "MOVED": self = .moved(slot: slot, to: endpoint)
        case "ASK": self = .ask(slot: slot, to: endpoint)
        default: return nil
        }
    }
}
