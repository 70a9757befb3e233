/// A complete HTTP response. Any status, including 4xx and 5xx, is a response rather than an
/// error: only a failure to exchange messages at all throws `HTTPClientError`.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// Headers of the final response (interim `100 Continue` headers are dropped).
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8 (invalid sequences replaced), for logs and error messages.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
