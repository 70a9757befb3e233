import HTTPTypes
import Synchronization

/// What a finished transfer gives back: the final response and its body.
typealias CurlResult = (response: HTTPResponse, body: [UInt8])

/// One queued request and the continuation waiting for it. Ownership of the continuation moves
/// under the pool's lock: whoever takes the job out of the queue (a worker, or the cancellation
/// handler) is the only one that resumes it.
final class CurlTransferJob: @unchecked Sendable {
    let transfer: CurlTransfer
    /// Guarded by the pool's lock until a worker or the cancellation handler takes the job.
    var continuation: CheckedContinuation<CurlResult, any Error>?
    /// Set by task cancellation; read by the curl progress callback on the worker thread.
    let cancelled = Atomic<Bool>(false)

    init(transfer: CurlTransfer) {
        self.transfer = transfer
    }

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func resume(with result: Result<CurlResult, any Error>) {
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(with: result)
    }
}
