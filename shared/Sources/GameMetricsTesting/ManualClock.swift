import Synchronization

/// A clock that stands still until the test moves it, for code that takes a `now` closure: what a
/// test checks then does not depend on how fast a loaded machine schedules it.
public final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let elapsed = Mutex(Duration.zero)

    public init() {}

    public var now: ContinuousClock.Instant { start + elapsed.withLock { $0 } }

    public func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }
}
