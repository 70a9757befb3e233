import Synchronization

/// How a run ends. The first SIGINT/SIGTERM (or the end of `--duration`) asks for a graceful
/// stop: no new events, batches in flight still get their answer and 429/503 retries go on for
/// up to `drainTimeout`. A second signal stops at once: transfers in flight are cancelled.
/// Either way the final summary is printed, with unsent events counted as dropped.
final class ShutdownController: Sendable {
    private struct State {
        var stopRequestedAt: ContinuousClock.Instant?
        var hardStop = false
    }

    let drainTimeout: Duration
    private let state = Mutex(State())
    /// Finished on the hard stop: `hardStopRequested()` returns then.
    private let hardStops: AsyncStream<Never>
    private let hardStopped: AsyncStream<Never>.Continuation

    init(drainTimeout: Duration) {
        self.drainTimeout = drainTimeout
        (hardStops, hardStopped) = AsyncStream<Never>.makeStream()
    }

    /// Returns on an immediate stop (a second signal), or when the calling task is cancelled.
    /// One caller only.
    func hardStopRequested() async {
        for await _ in hardStops {}
    }

    /// The first call asks for a graceful stop; a later one for an immediate stop.
    func signalReceived() {
        let hardStop = state.withLock { s -> Bool in
            if s.stopRequestedAt == nil {
                s.stopRequestedAt = .now
                return false
            }
            s.hardStop = true
            return true
        }
        if hardStop { hardStopped.finish() }
    }

    /// Asks for a graceful stop (idempotent).
    func requestStop() {
        state.withLock { s in
            if s.stopRequestedAt == nil { s.stopRequestedAt = .now }
        }
    }

    var isStopping: Bool { state.withLock { $0.stopRequestedAt != nil } }

    /// True once retrying is pointless: an immediate stop, or the drain time is over.
    var shouldAbandon: Bool {
        state.withLock { s in
            guard let since = s.stopRequestedAt else { return false }
            return s.hardStop || ContinuousClock.now - since >= drainTimeout
        }
    }
}
