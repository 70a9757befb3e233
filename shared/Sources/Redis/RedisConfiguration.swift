import Foundation

/// Where and how to reach Redis. A value type so services can build it from `GM_REDIS_URL` once and
/// hand copies around.
public struct RedisConfiguration: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
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
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.poolSize = poolSize
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
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
        return "redis://\(credentials)\(host):\(port)/\(database) (pool \(poolSize), connect timeout \(connectTimeout), command timeout \(commandTimeout))"
    }

    private static func redacted(_ url: String) -> String {
        // Error messages end up in logs: drop anything that may be a password.
        guard let at = url.lastIndex(of: "@"), let schemeEnd = url.range(of: "://") else { return url }
        guard schemeEnd.upperBound <= at else { return url }
        return String(url[..<schemeEnd.upperBound]) + "***" + String(url[at...])
    }
}
