import Synchronization

/// One queued SMTP exchange: a message to submit, or a bare `NOOP` (the readiness probe) when
/// `envelope` is nil.
final class CurlMailJob: CurlJob, @unchecked Sendable {
    let configuration: SMTPConfiguration
    let envelope: MailEnvelope?
    /// Set before the job is queued; taken by whoever finishes the job (see ``CurlJob``).
    var continuation: CheckedContinuation<Void, any Error>?
    let cancelled = Atomic<Bool>(false)

    init(configuration: SMTPConfiguration, envelope: MailEnvelope?) {
        self.configuration = configuration
        self.envelope = envelope
    }

    func perform(on handle: CurlEasyHandle) {
        resume(with: handle.submit(self))
    }

    func fail(_ error: any Error) {
        resume(with: .failure(error))
    }

    private func resume(with result: Result<Void, any Error>) {
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(with: result)
    }
}
