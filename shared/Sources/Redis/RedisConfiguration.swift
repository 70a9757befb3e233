import Foundation

/// Where and how to reach Redis. A value type so services can build it from `GM_REDIS_URL` (and
/// `GM_REDIS_MODE`) once and hand copies around.
public struct RedisConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// One server (the local platform and the demo), or a Redis Cluster (production).
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case single
        case cluster
    }

    public var mode: Mode
    /// The server in single mode; the first seed in cluster mode.
    public var host: String
    public var port: Int
    /// Cluster mode: the nodes asked for the slot map (`CLUSTER SLOTS`) until one answers; after
    /// that the client knows every node from the map. Single mode: `host:port` only.
    public var seeds: [RedisEndpoint]
    /// Set only for Redis 6+ ACL users; `AUTH username password` is sent when present.
    public var username: String?
    public var password: String?
    public var database: Int
    /// The most connections the client opens for commands; callers beyond that wait in FIFO order.
    /// Subscriptions use their own connections and do not count against it.
    public var poolSize: Int
    /// Bound on opening a TCP connection (including name resolution by hiredis).
    public var connectTimeout: Duration
    /// Bound on one command's round trip. Blocking commands (`BLPOP`, ...) need a larger value than
    /// their own server-side timeout, or they end in `RedisError.timeout`.
    public var commandTimeout: Duration
    /// Cluster mode: the most `MOVED`/`ASK`/`TRYAGAIN` answers one command follows before the last
    /// one is thrown as its error.
    public var maximumRedirects: Int
    /// Cluster mode: how long a command that could not be sent (its master unreachable, or the
    /// cluster answering `CLUSTERDOWN`) keeps retrying on a reloaded slot map, waiting for a
    /// replica to be promoted, before it throws. Counted from its first such failure.
    public var failoverWait: Duration

    public static let defaultPort = 6379

    public init(
        host: String,
        port: Int = RedisConfiguration.defaultPort,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        poolSize: Int = 8,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(2)
    ) {
        self.mode = .single
        self.host = host
        self.port = port
        self.seeds = [RedisEndpoint(host: host, port: port)]
        self.maximumRedirects = 5
        self.failoverWait = .seconds(2)
        self.username = username
        self.password = password
        self.database = database
        self.poolSize = poolSize
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// A Redis Cluster reached through `seeds`. Cluster nodes have only database 0.
    public init(
        clusterSeeds seeds: [RedisEndpoint],
        username: String? = nil,
        password: String? = nil,
        poolSize: Int = 8,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(2),
        maximumRedirects: Int = 5,
        failoverWait: Duration = .seconds(2)
    ) {
        precondition(!seeds.isEmpty, "a Redis Cluster configuration needs at least one seed")
        self.init(
            host: seeds[0].host, port: seeds[0].port, username: username, password: password,
            poolSize: poolSize, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
        self.mode = .cluster
        self.seeds = seeds
        self.maximumRedirects = maximumRedirects
        self.failoverWait = failoverWait
    }

    /// Parses `redis://[[username]:password@]host[:port][/db]`; the port defaults to 6379 and the
    /// database to 0. Percent-encoded user info is decoded.
    ///
    /// In cluster mode the host part may list several seed nodes, separated by commas
    /// (`redis://:secret@10.0.0.1:6379,10.0.0.2:6379`); they share the credentials, and the
    /// database must be 0, the only one a cluster has.
    public init(
        url: String,
        mode: Mode,
        poolSize: Int = 8,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(2)
    ) throws(RedisError) {
        guard mode == .cluster else {
            try self.init(url: url, poolSize: poolSize, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
            return
        }
        guard let schemeEnd = url.range(of: "://") else {
            throw .invalidURL("'\(Self.redacted(url))' has no scheme; expected redis://host:port[,host:port...]")
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let hostsStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let userInfo = authority[..<hostsStart]
        var nodes: [RedisConfiguration] = []
        for host in authority[hostsStart...].split(separator: ",", omittingEmptySubsequences: false) {
            guard !host.isEmpty else { throw .invalidURL("'\(Self.redacted(url))' has an empty entry in its host list") }
            let single = url[..<schemeEnd.upperBound] + userInfo + host + rest[authorityEnd...]
            nodes.append(try RedisConfiguration(url: String(single), poolSize: poolSize, connectTimeout: connectTimeout, commandTimeout: commandTimeout))
        }
        guard nodes[0].database == 0 else {
            throw .invalidURL("a Redis Cluster has only database 0; drop the /\(nodes[0].database) path")
        }
        self.init(
            clusterSeeds: nodes.map { RedisEndpoint(host: $0.host, port: $0.port) }, username: nodes[0].username, password: nodes[0].password,
            poolSize: poolSize, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
    }

    /// Parses `redis://[[username]:password@]host[:port][/db]`; the port defaults to 6379 and the
    /// database to 0. Percent-encoded user info is decoded.
    public init(
        url: String,
        poolSize: Int = 8,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(2)
    ) throws(RedisError) {
        guard let components = URLComponents(string: url) else {
            throw .invalidURL("'\(Self.redacted(url))' is not a URL")
        }
        guard let scheme = components.scheme?.lowercased() else {
            throw .invalidURL("'\(Self.redacted(url))' has no scheme; expected redis://host:port")
        }
        guard scheme == "redis" else {
            throw .invalidURL("scheme '\(scheme)' is not supported; expected redis:// (TLS is not available)")
        }
        guard var host = components.host, !host.isEmpty else {
            throw .invalidURL("'\(Self.redacted(url))' has no host")
        }
        if host.hasPrefix("["), host.hasSuffix("]") {  // IPv6 literal as written in the URL
            host = String(host.dropFirst().dropLast())
        }
        let port = components.port ?? Self.defaultPort
        guard (1...65_535).contains(port) else {
            throw .invalidURL("port \(port) is out of range 1...65535")
        }
        var database = 0
        let path = components.path
        if !path.isEmpty, path != "/" {
            let digits = path.dropFirst()
            guard path.hasPrefix("/"), let index = Int(digits), index >= 0 else {
                throw .invalidURL("path '\(path)' is not a database index; expected /<number>")
            }
            database = index
        }
        if components.query != nil || components.fragment != nil {
            throw .invalidURL("query parameters and fragments are not supported")
        }
        let user = components.user.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.password.flatMap { $0.isEmpty ? nil : $0 }
        if user != nil, password == nil {
            throw .invalidURL("a username needs a password (redis://user:password@host)")
        }
        self.init(
            host: host, port: port, username: user, password: password, database: database,
            poolSize: poolSize, connectTimeout: connectTimeout, commandTimeout: commandTimeout
        )
    }

    /// Never prints the password, so the configuration can be logged as is.
    public var description: String {
        let credentials = password == nil ? "" : "\(username ?? ""):***@"
        switch mode {
        case .single:
            return "redis://\(credentials)\(host):\(port)/\(database) (pool \(poolSize), connect timeout \(connectTimeout), command timeout \(commandTimeout))"
        case .cluster:
            return "redis cluster redis://\(credentials)\(seeds.map(\.description).joined(separator: ",")) (pool \(poolSize) per node, connect timeout \(connectTimeout), command timeout \(commandTimeout), \(maximumRedirects) redirects, failover wait \(failoverWait))"
        }
    }

    private static func redacted(_ url: String) -> String {
        // Error messages end up in logs: drop anything that may be a password.
        guard let at = url.lastIndex(of: "@"), let schemeEnd = url.range(of: "://") else { return url }
        guard schemeEnd.upperBound <= at else { return url }
        return String(url[..<schemeEnd.upperBound]) + "***" + String(url[at...])
    }
}
