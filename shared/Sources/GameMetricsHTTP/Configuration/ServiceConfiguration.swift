import GameMetricsKit
import Logging

/// What every service reads: where to listen and how much to log.
public struct ServiceConfiguration: Sendable {
    public var name: String
    public var host: String
    /// The public port: the service's API and health checks.
    public var port: Int
    /// The internal port: `/metrics` and other operator-only endpoints (the processor's
    /// `/v1/lag`), for Prometheus and operators inside the cluster, never routed from outside.
    public var internalPort: Int
    public var logLevel: Logger.Level
    /// How long the process may take to stop after SIGTERM (``ServiceMain`` enforces it).
    public var shutdownGracePeriod: Duration
    /// Idle and request-read timeouts of the HTTP server.
    public var httpLimits: HTTPServerLimits

    public init(
        name: String, host: String = "127.0.0.1", port: Int, internalPort: Int, logLevel: Logger.Level = .info,
        shutdownGracePeriod: Duration = .seconds(25), httpLimits: HTTPServerLimits = HTTPServerLimits()
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.internalPort = internalPort
        self.logLevel = logLevel
        self.shutdownGracePeriod = shutdownGracePeriod
        self.httpLimits = httpLimits
    }

    /// The configuration of one of the platform's services, with its declared default ports.
    public init(service: PlatformService, environment: EnvironmentReader = EnvironmentReader()) throws {
        try self.init(name: service.name, defaultPort: service.port, defaultInternalPort: service.internalPort, environment: environment)
    }

    /// Reads `GM_HTTP_HOST`, `GM_HTTP_PORT`, `GM_INTERNAL_HTTP_PORT`, `GM_LOG_LEVEL`,
    /// `GM_SHUTDOWN_GRACE_MS` and the HTTP timeouts (`GM_HTTP_IDLE_TIMEOUT_MS`,
    /// `GM_HTTP_REQUEST_READ_TIMEOUT_MS`), with the given default ports (tools and tests; the
    /// services' own are in ``PlatformService``).
    /// With `GM_HTTP_PORT=0` (any free port, as tests run services) the internal port defaults
    /// to 0 too, so that parallel test runs never meet on a fixed internal port.
    public init(name: String, defaultPort: Int, defaultInternalPort: Int, environment: EnvironmentReader = EnvironmentReader()) throws {
        let levelName = environment.string("GM_LOG_LEVEL", default: "info").lowercased()
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ConfigurationError(
                variable: "GM_LOG_LEVEL",
                problem: "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(levelName)'")
        }
        let port = try environment.int("GM_HTTP_PORT", default: defaultPort, in: 0...65535)
        let internalPort = try environment.int("GM_INTERNAL_HTTP_PORT", default: port == 0 ? 0 : defaultInternalPort, in: 0...65535)
        if internalPort == port, port != 0 {
            throw ConfigurationError(variable: "GM_INTERNAL_HTTP_PORT", problem: "must differ from GM_HTTP_PORT (\(port)): operator endpoints are not served publicly")
        }
        self.init(
            name: name,
            host: environment.string("GM_HTTP_HOST", default: "127.0.0.1"),
            port: port,
            internalPort: internalPort,
            logLevel: level,
            shutdownGracePeriod: try Self.shutdownGracePeriod(environment: environment),
            httpLimits: try HTTPServerLimits(environment: environment)
        )
    }

    /// `GM_SHUTDOWN_GRACE_MS` (default 25 s, below Kubernetes' default 30 s between SIGTERM and
    /// SIGKILL).
    public static func shutdownGracePeriod(environment: EnvironmentReader) throws -> Duration {
        try environment.milliseconds("GM_SHUTDOWN_GRACE_MS", default: .seconds(25))
    }
}
