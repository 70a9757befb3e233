/// An HTTP/1.1 client over libcurl for outbound calls (S3, webhooks). Requests run on the
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
        self.pool = CurlWorkerPool(configuration: configuration)
    }

    deinit {
        pool.shutdown()
    }

    /// Sends `request` and returns the final response whatever its status.
    /// - Throws: `HTTPClientError` when no response arrived; `CancellationError` when the calling
    ///   task is cancelled (a running transfer is aborted at curl's next progress check).
    public func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        try Task.checkCancellation()
        let job = CurlTransferJob(request: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                pool.enqueue(job, continuation: continuation)
            }
        } onCancel: {
            pool.cancel(job)
        }
    }
}
