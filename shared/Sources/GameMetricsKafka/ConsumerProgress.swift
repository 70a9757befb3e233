import GameMetricsHTTP
import GameMetricsKit
import Synchronization

/// Whether a consumer makes progress, for readiness. A consumer cannot make progress when a
/// batch it received is still not done (committed, or handled through) `stallAfter` later: its
/// handler is stuck (a store waiting on a lock, a peer that never answers) or fails on every
/// attempt. An idle consumer has nothing waiting and stays ready however long nothing arrives.
/// A consumer whose poll loop ends outside a shutdown ends its service, and with it the process
/// (the ServiceGroup stops when one service finishes), so that case needs no check here.
public final class ConsumerProgress: Sendable {
    public let name: String
    public let stallAfter: Duration
    /// When each batch not yet done arrived, oldest first (batches are done in order).
    private let waiting = Mutex<[ContinuousClock.Instant]>([])

    public init(name: String, stallAfter: Duration) {
        self.name = name
        self.stallAfter = stallAfter
    }

    /// A batch arrived from the broker.
    public func received() {
        waiting.withLock { $0.append(.now) }
    }

    /// The oldest batch not yet done is done (its offsets committed, or the attempt made).
    public func done() {
        waiting.withLock { waiting in
            if !waiting.isEmpty { waiting.removeFirst() }
        }
    }

    /// How long the oldest batch not yet done has waited; nil when none waits.
    public var oldestWait: Duration? {
        waiting.withLock { $0.first.map { .now - $0 } }
    }

    /// Fails while a batch has waited longer than `stallAfter`.
    public var readinessCheck: ReadinessCheck {
        ReadinessCheck(name) { [self] in
            let (oldest, count) = waiting.withLock { ($0.first.map { ContinuousClock.now - $0 }, $0.count) }
            if let oldest, oldest > stallAfter { throw Stalled(batches: count, waited: oldest) }
        }
    }

    struct Stalled: Error, CustomStringConvertible {
        let batches: Int
        let waited: Duration
        var description: String {
            "no progress: \(batches) batch(es) received and not committed, the oldest for \(waited.components.seconds) s"
        }
    }
}
