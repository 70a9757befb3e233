import HTTPTypes
import Synchronization

/// What a finished transfer gives back: the final response and its body.
typealias CurlResult = (response: HTTPResponse, body: [UInt8])

/// One queued HTTP request and the continuation waiting for it.
final class CurlTransferJob: CurlJob, @unchecked Sendable {
    let transfer: CurlTransfer
    /// Set before the job is queued; taken by whoever finishes the job (see ``CurlJob``).
    var continuation: CheckedContinuation<CurlResult, any Error>?
    let cancelled = Atomic<Bool>(false)

    init(transfer: CurlTransfer) {
        self.transfer = transfer
    }

    func perform(on handle: CurlEasyHandle) {
        resume(with: handle.perform(self))
    }

    func fail(_ error: any Error) {
        resume(with: .failure(error))
    }

    private func resume(with result: Result<CurlResult, any Error>) {
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(with: result)
    }
}
