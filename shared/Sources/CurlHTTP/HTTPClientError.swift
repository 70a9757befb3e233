/// Why a request got no HTTP response. Callers mostly branch on "could not reach the server"
/// (retry elsewhere or later) versus "took too long" versus everything else.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL could not be parsed or uses a scheme other than http/https.
    case invalidURL(String)
    /// The host could not be resolved or the TCP connection was refused.
    case connectFailed(String)
    /// The request's timeout (or the client's connect timeout) elapsed.
    case timeout
    /// The response body was larger than `HTTPClientConfiguration.maximumResponseBodySize`
    /// (declared in `Content-Length`, or counted while it arrived); the transfer was aborted.
    case responseBodyTooLarge(limit: Int)
    /// Any other libcurl failure, with curl's `CURLcode` and its message.
    case transport(code: Int, message: String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL: \(url)"
        case .connectFailed(let message): "connection failed: \(message)"
        case .timeout: "request timed out"
        case .responseBodyTooLarge(let limit): "response body larger than \(limit) bytes"
        case .transport(let code, let message): "transport error \(code): \(message)"
        }
    }
}
