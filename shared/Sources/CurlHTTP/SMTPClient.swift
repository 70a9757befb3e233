/// Submits mail over SMTP through libcurl (STARTTLS or implicit TLS, AUTH when credentials are
/// set), on worker threads of its own like `HTTPClient`: a slow relay never blocks Swift's
/// cooperative pool, and at most `maxConcurrentSessions` submissions run at once.
public final class SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    private let pool: CurlWorkerPool

    public init(configuration: SMTPConfiguration) {
        self.configuration = configuration
        self.pool = CurlWorkerPool(
            configuration: HTTPClientConfiguration(connectTimeout: configuration.connectTimeout),
            threads: configuration.maxConcurrentSessions, name: "curl-smtp")
    }

    deinit {
        pool.shutdown()
    }

    /// Submits `envelope`; returns once the server accepted the message (250 after the data).
    /// - Throws: `SMTPError` (`isPermanent` for a 5yz reply), or `CancellationError`.
    public func send(_ envelope: MailEnvelope) async throws {
        try await run(CurlMailJob(configuration: configuration, envelope: envelope))
    }

    /// Opens a session and sends `NOOP`: whether the server answers (and TLS and AUTH work).
    public func probe() async throws {
        try await run(CurlMailJob(configuration: configuration, envelope: nil))
    }

    private func run(_ job: CurlMailJob) async throws {
        try Task.checkCancellation()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                job.continuation = continuation
                pool.enqueue(job)
            }
        } onCancel: {
            pool.cancel(job)
        }
    }
}
