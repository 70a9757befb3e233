/// Which master serves each of the 16384 slots, and which nodes the cluster has, as one node's
/// `CLUSTER SLOTS` reply said (patched by `MOVED` replies since).
struct ClusterSlotMap: Sendable {
    /// Masters, in the order first seen; `owner` indexes into it.
    private(set) var masters: [RedisEndpoint] = []
    private(set) var replicas: [RedisEndpoint] = []
    /// For each slot, the index of its master, or `unassigned`.
    private var owner = [UInt16](repeating: ClusterSlotMap.unassigned, count: RedisHashSlot.count)
    private static let unassigned = UInt16.max

    /// Reads a `CLUSTER SLOTS` reply: `[[first, last, [host, port, id, ...], replica..., ...], ...]`.
    /// An empty host means the node that answered; a `?` host (endpoint unknown) is skipped.
    init(clusterSlots reply: RedisValue, askedHost: String) throws(RedisError) {
        guard let ranges = reply.array else { throw .unexpectedReply(reply) }
        for range in ranges {
            guard let parts = range.array, parts.count >= 3, let first = parts[0].integer, let last = parts[1].integer,
                0 <= first, first <= last, last < RedisHashSlot.count
            else { throw .unexpectedReply(range) }
            let nodes = parts[2...].compactMap { Self.endpoint($0, askedHost: askedHost) }
            guard let master = nodes.first else { continue }
            let index = indexOf(master)
            for slot in first...last { owner[slot] = index }
            for replica in nodes.dropFirst() where !replicas.contains(replica) { replicas.append(replica) }
        }
        guard !masters.isEmpty else { throw .unexpectedReply(reply) }
    }

    /// The master serving `slot`, or nil when no master does (the cluster is incomplete).
    func master(of slot: Int) -> RedisEndpoint? {
        let index = owner[slot]
        return index == Self.unassigned ? nil : masters[Int(index)]
    }

    /// What a `MOVED` says: `slot` is served by `endpoint` from now on.
    mutating func assign(_ slot: Int, to endpoint: RedisEndpoint) {
        owner[slot] = indexOf(endpoint)
    }

    private mutating func indexOf(_ endpoint: RedisEndpoint) -> UInt16 {
        if let index = masters.firstIndex(of: endpoint) { return UInt16(index) }
        masters.append(endpoint)
        return UInt16(masters.count - 1)
    }

    private static func endpoint(_ node: RedisValue, askedHost: String) -> RedisEndpoint? {
        guard let fields = node.array, fields.count >= 2, let host = fields[0].string, let port = fields[1].integer,
            host != "?", (1...65_535).contains(port)
        else { return nil }
        return RedisEndpoint(host: host.isEmpty ? askedHost : host, port: port)
    }
}
