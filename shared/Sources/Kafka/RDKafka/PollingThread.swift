import Foundation
import Synchronization

/// A dedicated OS thread for librdkafka's blocking poll calls, so they never occupy a thread of
/// Swift's cooperative pool.
final class PollingThread: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    private let finished = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    /// Runs `iteration` repeatedly on a new thread until `stop()`.
    init(name: String, iteration: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while !stopRequested.load(ordering: .acquiring) {
                iteration()
            }
            let waiter = finished.withLock { state in
                state.done = true
                return state.waiter
            }
            waiter?.resume()
        }
        thread.name = name
        thread.start()
    }

    /// Asks the loop to end and waits until its current iteration has returned.
    func stop() async {
        stopRequested.store(true, ordering: .releasing)
        await withCheckedContinuation { continuation in
            let alreadyDone = finished.withLock { state in
                if state.done { return true }
                state.waiter = continuation
                return false
            }
            if alreadyDone { continuation.resume() }
        }
    }
}
