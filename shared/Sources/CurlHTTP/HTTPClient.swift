import HTTPTypes

/// An HTTP/1.1 client over libcurl for outbound calls (S3, the user service, webhooks), speaking
/// swift-http-types: an `HTTPRequest` in, an `HTTPResponse` and its body out. Requests run on the
/// client's own worker threads, so a slow server never blocks Swift's cooperative thread pool;
/// at most `maxConcurrentRequests` run at once and the rest wait in FIFO order.
///
/// Share one client per process (or per destination with different limits): each instance owns
/// its threads and their keep-alive connections, which are released when it is deinitialised.
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    private let pool: CurlWorkerPool

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.configuration = configuration
        self.pool = CurlWorkerPool(configuration: configuration, threads: configuration.maxConcurrentRequests, name: "curl-http")
    }

    deinit {
        pool.shutdown()
    }

    /// Sends `request` and returns the final response, whatever its status, with its body.
    /// - Parameters:
    ///   - request: needs `scheme` (http or https), `authority` and `path` (with the query);
    ///     `HTTPRequest(method:url:)` from HTTPTypesFoundation fills them from a URL.
    ///   - body: nil sends no body; an empty array sends `Content-Length: 0` (what S3 wants for
    ///     a bare PUT). Held in memory: callers send bounded payloads.
    ///   - timeout: upper bound for the whole exchange (connect, send, receive).
    ///   - signing: when set, libcurl signs the request with AWS Signature Version 4.
    /// - Throws: `HTTPClientError` when no complete response arrived, including a body over
    ///   `configuration.maximumResponseBodySize`; `CancellationError` when the calling task is
    ///   cancelled (a running transfer is aborted at curl's next progress check).
    public func execute(
        _ request: HTTPRequest, body: [UInt8]? = nil, timeout: Duration = .seconds(30), signing: AWSSigV4Signing? = nil
    ) async throws -> (response: HTTPResponse, body: [UInt8]) {
        try Task.checkCancellation()
        let job = CurlTransferJob(transfer: try CurlTransfer(request: request, body: body, timeout: timeout, signing: signing))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                job.continuation = continuation
                pool.enqueue(job)
            }
        } onCancel: {
            pool.cancel(job)
        }
    }
}
