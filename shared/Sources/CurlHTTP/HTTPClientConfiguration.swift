/// Settings shared by every request of one `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// Number of worker threads, and so of requests in flight at once. Each worker keeps its own
    /// curl handle and therefore its own keep-alive connections.
    public var maxConcurrentRequests: Int
    public var connectTimeout: Duration
    /// Off by default: a redirect from a storage or webhook endpoint is usually a misconfiguration
    /// worth seeing, and following it would resend credentials to another host.
    public var followRedirects: Bool
    public var maxRedirects: Int
    public var userAgent: String
    /// The largest response body accepted, in bytes. A larger one fails the request with
    /// `HTTPClientError.responseBodyTooLarge` as soon as its `Content-Length` or its bytes so
    /// far exceed this, so a misbehaving or hostile server cannot make the client allocate it.
    public var maximumResponseBodySize: Int

    public init(
        maxConcurrentRequests: Int = 4,
        connectTimeout: Duration = .seconds(5),
        followRedirects: Bool = false,
        maxRedirects: Int = 5,
        userAgent: String = "GameMetricsPro-CurlHTTP",
        maximumResponseBodySize: Int = 64 << 20
    ) {
        self.maxConcurrentRequests = max(1, maxConcurrentRequests)
        self.connectTimeout = connectTimeout
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.userAgent = userAgent
        self.maximumResponseBodySize = max(0, maximumResponseBodySize)
    }
}
