/// One HTTP request. The body is held in memory: the library's callers (S3 archives, webhooks,
/// SMTP relays) send bounded payloads, and a byte array keeps the API free of streaming types.
public struct HTTPClientRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: HTTPHeaders
    /// nil sends no body; an empty array sends `Content-Length: 0` (what S3 wants for a bare PUT).
    public var body: [UInt8]?
    /// Upper bound for the whole exchange (connect, send, receive).
    public var timeout: Duration
    /// When set, libcurl signs the request with AWS Signature Version 4.
    public var signing: AWSSigV4Signing?

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(30),
        signing: AWSSigV4Signing? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.signing = signing
    }
}
