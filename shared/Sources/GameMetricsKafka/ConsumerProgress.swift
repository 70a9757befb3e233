import GameMetricsHTTP
import GameMetricsKit
import Synchronization

/// Whether a consumer makes progress, for readiness. A consumer is not ready until its
/// preparation (migrating its schema, say) has succeeded: it can store nothing before, and
/// readiness names the attempt and the last failure. After that, it cannot make progress when a
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
    private let preparation = Mutex<Preparation>(.pending(failedAttempts: 0, lastFailure: nil))

    enum Preparation: Equatable {
        case pending(failedAttempts: Int, lastFailure: String?)
        case done
    }

    public init(name: String, stallAfter: Duration) {
        self.name = name
        self.stallAfter = stallAfter
    }

    /// An attempt to prepare failed; the next one follows.
    public func preparationFailed(_ error: any Error) {
        preparation.withLock { state in
            guard case .pending(let failed, _) = state else { return }
            state = .pending(failedAttempts: failed + 1, lastFailure: String(reflecting: error))
        }
    }

    /// Preparation succeeded: the consumer takes batches from now on.
    public func prepared() {
        preparation.withLock { $0 = .done }
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

    /// Fails until preparation has succeeded, and while a batch has waited longer than `stallAfter`.
    public var readinessCheck: ReadinessCheck {
        ReadinessCheck(name) { [self] in
            if case .pending(let failed, let lastFailure) = preparation.withLock({ $0 }) {
                throw NotPrepared(failedAttempts: failed, lastFailure: lastFailure)
            }
            let (oldest, count) = waiting.withLock { ($0.first.map { ContinuousClock.now - $0 }, $0.count) }
            if let oldest, oldest > stallAfter { throw Stalled(batches: count, waited: oldest) }
        }
    }

    struct NotPrepared: Error, CustomStringConvertible {
        let failedAttempts: Int
        let lastFailure: String?
        var description: String {
            guard let lastFailure else { return "not prepared yet (attempt \(failedAttempts + 1))" }
            return "not prepared yet (attempt \(failedAttempts + 1); last failure: \(lastFailure))"
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
