import Synchronization

/// One subscription's updates. The buffer is bounded: a subscriber that falls `capacity`
/// updates behind is dropped (its stream ends with ``overflowed`` set), never buffered without end.
final class LiveFeed: Sendable {
    let id: UInt64
    let tenant: String
    let updates: AsyncStream<LiveEvent>
    private let continuation: AsyncStream<LiveEvent>.Continuation
    private let state = Mutex(false)

    init(id: UInt64, tenant: String, capacity: Int) {
        self.id = id
        self.tenant = tenant
        (updates, continuation) = AsyncStream.makeStream(of: LiveEvent.self, bufferingPolicy: .bufferingOldest(capacity))
    }

    /// Whether the subscriber was dropped for falling behind.
    var overflowed: Bool { state.withLock { $0 } }

    /// Hands `event` on; false when the subscriber had no room left (it is then finished).
    func deliver(_ event: LiveEvent) -> Bool {
        switch continuation.yield(event) {
        case .enqueued: return true
        case .dropped:
            state.withLock { $0 = true }
            continuation.finish()
            return false
        case .terminated: return true
        @unknown default: return true
        }
    }

    func finish() {
        continuation.finish()
    }
}
