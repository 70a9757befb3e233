/// Everything the Redis module throws, typed so callers can decide what is safe to retry.
///
/// Why two connection cases: `connectionFailed` means the command never left this process (the
/// server could not be reached), so retrying is safe; `connectionLost` means the command may or may
/// not have run on the server, so only idempotent commands should be retried by the caller.
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration URL could not be understood; the reason says which part is wrong.
    case invalidURL(String)
    /// No connection could be opened (refused, unresolvable host, connect timeout, AUTH/SELECT
    /// rejected during the handshake). The command was not sent.
    case connectionFailed(String)
    /// The connection broke while the command was in flight; its outcome on the server is unknown.
    case connectionLost(String)
    /// The server did not answer within `commandTimeout`; the connection has been discarded.
    case timeout
    /// The server answered with an error reply (`-ERR ...`, `-WRONGTYPE ...`).
    case serverError(String)
    /// The server answered with a reply of a type the typed helper did not expect.
    case unexpectedReply(RedisValue)
    /// The server sent bytes hiredis could not parse; the connection has been discarded.
    case protocolError(String)
    /// `shutdown()` was called; the client takes no more commands.
    case poolClosed

    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid Redis URL: \(reason)"
        case .connectionFailed(let reason): "could not connect to Redis: \(reason)"
        case .connectionLost(let reason): "lost the connection to Redis while a command was in flight: \(reason)"
        case .timeout: "Redis did not answer within the command timeout"
        case .serverError(let message): "Redis replied with an error: \(message)"
        case .unexpectedReply(let value): "unexpected Redis reply: \(value)"
        case .protocolError(let reason): "Redis protocol error: \(reason)"
        case .poolClosed: "the Redis client has been shut down"
        }
    }
}
