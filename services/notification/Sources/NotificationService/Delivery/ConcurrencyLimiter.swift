import Synchronization

/// Deliveries in flight per key — a destination (a receiver's host, or the SMTP relay) or a
/// channel: a key at its limit is skipped until one of its deliveries ends, so one slow
/// receiver, or one slow channel, never holds more than its share of the worker's slots.
final class ConcurrencyLimiter: Sendable {
    private let limit: @Sendable (String) -> Int
    private let inFlight = Mutex<[String: Int]>([:])

    init(limit: @escaping @Sendable (String) -> Int) {
        self.limit = limit
    }

    func tryAcquire(_ key: String) -> Bool {
        let allowed = limit(key)
        return inFlight.withLock { counts in
            let current = counts[key, default: 0]
            guard current < allowed else { return false }
            counts[key] = current + 1
            return true
        }
    }

    func release(_ key: String) {
        inFlight.withLock { counts in
            let remaining = counts[key, default: 1] - 1
            counts[key] = remaining > 0 ? remaining : nil
        }
    }
}
