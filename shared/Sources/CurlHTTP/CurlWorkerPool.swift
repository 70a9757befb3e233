import Foundation

/// A fixed set of threads, each owning one reusable curl easy handle. `curl_easy_perform`
/// blocks its thread for the whole transfer, so it must never run on Swift's cooperative pool
/// (which has one thread per core: two blocked requests would stall every task on this machine).
/// Keeping a handle per thread also keeps its connection cache, so keep-alive connections are
/// reused without a shared CURLSH and its locking.
final class CurlWorkerPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [any CurlJob] = []
    private var queueHead = 0
    private var shuttingDown = false
    private var threads: [Thread] = []

    /// `count` workers named `<name>-<index>`, each with a handle for `configuration`.
    init(configuration: HTTPClientConfiguration, threads count: Int, name: String) {
        CurlGlobal.ensureInitialized()
        for index in 0..<max(1, count) {
            let thread = Thread { [self] in
                let handle = CurlEasyHandle(configuration: configuration)
                while let job = self.next() {
                    if job.isCancelled {
                        job.fail(CancellationError())
                        continue
                    }
                    job.perform(on: handle)
                }
            }
            thread.name = "\(name)-\(index)"
            // A bounded stack: 32 clients x 4 workers must not reserve 8 MiB each; curl and
            // OpenSSL handshakes stay far below 1 MiB.
            thread.stackSize = 1 << 20
            threads.append(thread)
            thread.start()
        }
    }

    /// Queues a job (its continuation already set), or fails it at once if its task was
    /// cancelled before it got here.
    func enqueue(_ job: any CurlJob) {
        condition.lock()
        if job.isCancelled || shuttingDown {
            condition.unlock()
            job.fail(CancellationError())
            return
        }
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Called from the cancellation handler: a job still waiting in the queue is removed and
    /// failed now; a job a worker already holds is stopped by its progress callback instead.
    func cancel(_ job: any CurlJob) {
        job.cancelled.store(true, ordering: .releasing)
        condition.lock()
        let index = queue[queueHead...].firstIndex { $0 === job }
        if let index { queue.remove(at: index) }
        condition.unlock()
        if index != nil {
            job.fail(CancellationError())
        }
    }

    /// Lets the workers finish what is queued, then exit and free their handles.
    func shutdown() {
        condition.lock()
        shuttingDown = true
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks a worker until there is a job; nil once the pool shuts down and the queue is empty.
    private func next() -> (any CurlJob)? {
        condition.lock()
        defer { condition.unlock() }
        while queueHead == queue.count {
            if shuttingDown { return nil }
            condition.wait()
        }
        let job = queue[queueHead]
        queueHead += 1
        // Compact now and then instead of removeFirst() on every job (O(n) each).
        if queueHead > 64 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return job
    }
}
