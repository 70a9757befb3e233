import Synchronization

/// Deliveries in flight per destination (a receiver's host, or the SMTP relay): a destination
/// at its limit is skipped until one of its deliveries ends, so one slow receiver never holds
/// more than its share of the worker's slots.
final class DestinationLimiter: Sendable {
    private let limit: Int
    private let inFlight = Mutex<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    func tryAcquire(_ destination: String) -> Bool {
        inFlight.withLock { counts in
            let current = counts[destination, default: 0]
            guard current < limit else { return false }
            counts[destination] = current + 1
            return true
        }
    }

    func release(_ destination: String) {
        inFlight.withLock { counts in
            let remaining = counts[destination, default: 1] - 1
            counts[destination] = remaining > 0 ? remaining : nil
        }
    }
}
