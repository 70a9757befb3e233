import GameMetricsHTTP
import GameMetricsKit
import Synchronization

/// Whether storing works. Failed attempts count from the last success; once `unreadyAfter` in a
/// row have failed, readiness fails (and `gm_processor_store_failing` is 1) until one succeeds.
/// Refusals of the data are not failures: they are isolated and stored around.
final class StoreHealth: Sendable {
    private let consecutiveFailures = Mutex(0)
    let unreadyAfter: Int

    init(unreadyAfter: Int) {
        self.unreadyAfter = unreadyAfter
    }

    func succeeded() {
        consecutiveFailures.withLock { $0 = 0 }
        ProcessorMetrics.storeFailing.record(0)
    }

    func failed() {
        let failures = consecutiveFailures.withLock { failures in
            failures += 1
            return failures
        }
        ProcessorMetrics.storeFailures.increment()
        if failures >= unreadyAfter { ProcessorMetrics.storeFailing.record(1) }
    }

    var readinessCheck: ReadinessCheck {
        ReadinessCheck("event-store") { [self] in
            let failures = consecutiveFailures.withLock { $0 }
            if failures >= unreadyAfter { throw StoreFailing(attempts: failures) }
        }
    }

    struct StoreFailing: Error, CustomStringConvertible {
        let attempts: Int
        var description: String { "the last \(attempts) attempts to store a batch failed" }
    }
}
