/// Where a cluster client sends a command: to the master of the slot of its first key, or, for a
/// command without keys, to any node.
///
/// Only a routing hint: a command sent to the wrong master is answered with `MOVED` and followed
/// there, so a command whose first key this table does not find still works, one hop later.
/// Commands over several keys must keep them in one slot (hash tags); the server refuses others
/// with `CROSSSLOT`.
enum RedisCommandRoute: Hashable {
    case slot(Int)
    case anyNode

    init(_ arguments: [[UInt8]]) {
        guard let key = Self.firstKey(arguments) else {
            self = .anyNode
            return
        }
        self = .slot(RedisHashSlot.of(key))
    }

    static func firstKey(_ arguments: [[UInt8]]) -> [UInt8]? {
        guard let name = arguments.first.map({ String(decoding: $0, as: UTF8.self).uppercased() }) else { return nil }
        switch name {
        case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO":
            // EVAL script numkeys key... arg...
            guard arguments.count > 3, let count = Int(String(decoding: arguments[2], as: UTF8.self)), count > 0 else { return nil }
            return arguments[3]
        case "XREAD", "XREADGROUP":
            guard let streams = arguments.firstIndex(where: { String(decoding: $0, as: UTF8.self).uppercased() == "STREAMS" }),
                streams + 1 < arguments.count
            else { return nil }
            return arguments[streams + 1]
        case "OBJECT", "MEMORY":
            // OBJECT ENCODING key, MEMORY USAGE key
            return arguments.count > 2 ? arguments[2] : nil
        case _ where keyless.contains(name):
            return nil
        default:
            return arguments.count > 1 ? arguments[1] : nil
        }
    }

    /// Commands that name no key (or whose first argument is a channel, not a key).
    private static let keyless: Set<String> = [
        "ACL", "ASKING", "AUTH", "BGREWRITEAOF", "BGSAVE", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "DBSIZE",
        "DEBUG", "DISCARD", "ECHO", "EXEC", "FAILOVER", "FLUSHALL", "FLUSHDB", "FUNCTION", "HELLO", "INFO", "KEYS",
        "LASTSAVE", "LATENCY", "LOLWUT", "MODULE", "MONITOR", "MULTI", "PING", "PSUBSCRIBE", "PUBLISH", "PUBSUB",
        "PUNSUBSCRIBE", "QUIT", "RANDOMKEY", "READONLY", "READWRITE", "REPLICAOF", "RESET", "ROLE", "SAVE", "SCAN",
        "SCRIPT", "SELECT", "SHUTDOWN", "SLAVEOF", "SLOWLOG", "SUBSCRIBE", "SWAPDB", "TIME", "UNSUBSCRIBE", "UNWATCH",
        "WAIT", "WAITAOF",
    ]
}
