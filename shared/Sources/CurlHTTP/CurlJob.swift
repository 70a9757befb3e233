import Synchronization

/// One piece of work a pool thread does with its easy handle: an HTTP request or a mail
/// submission. Ownership of the waiting continuation moves under the pool's lock: whoever takes
/// the job out of the queue (a worker, or the cancellation handler) is the only one that
/// finishes it.
protocol CurlJob: AnyObject, Sendable {
    /// Set by task cancellation; read by curl's progress callback on the worker thread.
    var cancelled: Atomic<Bool> { get }
    /// Runs the transfer on a worker thread and resumes the waiting task with its result.
    func perform(on handle: CurlEasyHandle)
    /// Resumes the waiting task with `error` (cancelled before a worker took it).
    func fail(_ error: any Error)
}

extension CurlJob {
    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
}
