import Synchronization

/// How a run ends. The first SIGINT/SIGTERM (or the end of `--duration`) asks for a graceful
/// stop: no new events, batches in flight still get their answer and 429/503 retries go on for
/// up to `drainTimeout`. A second signal stops at once: transfers in flight are cancelled.
/// Either way the final summary is printed, with unsent events counted as dropped.
final class ShutdownController: Sendable {
    private struct State {
        var stopRequestedAt: ContinuousClock.Instant?
        var hardStop = false
        var onHardStop: (@Sendable () -> Void)?
    }

    let drainTimeout: Duration
    private let state = Mutex(State())

    init(drainTimeout: Duration) {
        self.drainTimeout = drainTimeout
    }

    /// Run on a second signal (cancels the run task).
    func setHardStopAction(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.onHardStop = action }
    }

    /// The first call asks for a graceful stop; a later one for an immediate stop.
    func signalReceived() {
        let action = state.withLock { s -> (@Sendable () -> Void)? in
            if s.stopRequestedAt == nil {
                s.stopRequestedAt = .now
                return nil
            }
            s.hardStop = true
            return s.onHardStop
        }
        action?()
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
