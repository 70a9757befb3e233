import Logging

/// What every service reads: where to listen and how much to log.
public struct ServiceConfiguration: Sendable {
    public var name: String
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    /// How long in-flight work may take to finish after SIGTERM.
    public var shutdownGracePeriod: Duration
    /// Idle and request-read timeouts of the HTTP server.
    public var httpLimits: HTTPServerLimits

    public init(name: String, host: String = "127.0.0.1", port: Int, logLevel: Logger.Level = .info,
                shutdownGracePeriod: Duration = .seconds(25), httpLimits: HTTPServerLimits = HTTPServerLimits()) {
        self.name = name
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.shutdownGracePeriod = shutdownGracePeriod
        self.httpLimits = httpLimits
    }

    /// Reads `GM_HTTP_HOST`, `GM_HTTP_PORT`, `GM_LOG_LEVEL`, `GM_SHUTDOWN_GRACE_MS` and the
    /// HTTP timeouts (`GM_HTTP_IDLE_TIMEOUT_MS`, `GM_HTTP_REQUEST_READ_TIMEOUT_MS`).
    public init(name: String, defaultPort: Int, environment: EnvironmentReader = EnvironmentReader()) throws {
        let levelName = environment.string("GM_LOG_LEVEL", default: "info").lowercased()
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ConfigurationError(
                variable: "GM_LOG_LEVEL",
                problem: "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(levelName)'")
        }
        self.init(
            name: name,
            host: environment.string("GM_HTTP_HOST", default: "127.0.0.1"),
            port: try environment.int("GM_HTTP_PORT", default: defaultPort, in: 0...65535),
            logLevel: level,
            shutdownGracePeriod: try environment.milliseconds("GM_SHUTDOWN_GRACE_MS", default: .seconds(25)),
            httpLimits: try HTTPServerLimits(environment: environment)
        )
    }
}
