import HTTPTypes

/// What one worker needs to perform a request: the request and its URL as curl takes it, the
/// body and the per-request options.
struct CurlTransfer: Sendable {
    let request: HTTPRequest
    /// `scheme://authority/path?query`, as given (the caller percent-encodes the path).
    let url: String
    let body: [UInt8]?
    let timeout: Duration
    let signing: AWSSigV4Signing?

    init(request: HTTPRequest, body: [UInt8]?, timeout: Duration, signing: AWSSigV4Signing?) throws(HTTPClientError) {
        let url = "\(request.scheme ?? "")://\(request.authority ?? "")\(request.path ?? "")"
        guard request.scheme != nil, let authority = request.authority, !authority.isEmpty else { throw .invalidURL(url) }
        self.request = request
        self.url = url
        self.body = body
        self.timeout = timeout
        self.signing = signing
    }
}
