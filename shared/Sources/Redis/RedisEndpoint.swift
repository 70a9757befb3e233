/// One Redis server's address: the single server, a cluster seed, or a cluster node.
public struct RedisEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` as Redis writes it in `MOVED`/`ASK` replies; the port follows the last
    /// colon, so an IPv6 address without brackets works too. An empty host means "the host you
    /// asked" and takes `defaultHost`.
    init?(redisAddress: some StringProtocol, defaultHost: String) {
        guard let colon = redisAddress.lastIndex(of: ":"), let port = Int(redisAddress[redisAddress.index(after: colon)...]),
            (1...65_535).contains(port)
        else { return nil }
        var host = String(redisAddress[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? defaultHost : host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
