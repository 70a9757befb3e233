import GameMetricsKit
import Hummingbird
import HummingbirdCore
import NIOCore

/// Time limits of every service's HTTP server, so that slow or idle clients cannot hold
/// connections (and file descriptors) for good.
///
/// - `idleTimeout` (`GM_HTTP_IDLE_TIMEOUT_MS`, 30 s): Hummingbird's HTTP/1 idle timeout. A
///   connection on which no request part (a complete header block, a body chunk, the end)
///   arrives for this long while no response is being prepared is closed: idle keep-alive
///   connections, and clients that trickle a header a byte at a time (the head only counts
///   once it is complete) or stop sending a body.
/// - `requestReadTimeout` (`GM_HTTP_REQUEST_READ_TIMEOUT_MS`, 30 s): a request's body must be
///   read completely within this time of its head (``RequestReadDeadlineHandler``), however
///   steadily its bytes trickle in.
///
/// WebSocket: both limits are handlers of the HTTP pipeline. A service that adds a WebSocket
/// route builds its server with hummingbird-websocket's `.http1WebSocketUpgrade(...)` and passes
/// ``channelHandlers`` as its `additionalChannelHandlers`: they are installed only on
/// connections that stay HTTP, so an upgraded connection is never cut by these timeouts and is
/// kept alive (or closed) by WebSocket ping/pong (`autoPing`) instead.
public struct HTTPServerLimits: Sendable, Equatable {
    public var idleTimeout: Duration
    public var requestReadTimeout: Duration

    public init(idleTimeout: Duration = .seconds(30), requestReadTimeout: Duration = .seconds(30)) {
        self.idleTimeout = idleTimeout
        self.requestReadTimeout = requestReadTimeout
    }

    /// Reads `GM_HTTP_IDLE_TIMEOUT_MS` and `GM_HTTP_REQUEST_READ_TIMEOUT_MS` (100 ms to 1 day).
    public init(environment: EnvironmentReader) throws {
        self.init(
            idleTimeout: try Self.timeout("GM_HTTP_IDLE_TIMEOUT_MS", default: .seconds(30), environment: environment),
            requestReadTimeout: try Self.timeout("GM_HTTP_REQUEST_READ_TIMEOUT_MS", default: .seconds(30), environment: environment))
    }

    /// The handlers that enforce the request-read timeout, new for each connection.
    public var channelHandlers: @Sendable () -> [any RemovableChannelHandler] {
        let timeout = TimeAmount(requestReadTimeout)
        return { [RequestReadDeadlineHandler(timeout: timeout)] }
    }

    /// The HTTP/1.1 server every service runs.
    public var http1: HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: channelHandlers(), idleTimeout: TimeAmount(idleTimeout)))
    }

    private static func timeout(_ name: String, default fallback: Duration, environment: EnvironmentReader) throws -> Duration {
        let value = try environment.milliseconds(name, default: fallback)
        guard value >= .milliseconds(100) else {
            throw ConfigurationError(variable: name, problem: "must be at least 100 (milliseconds); a server without the limit is not an option")
        }
        return value
    }
}
