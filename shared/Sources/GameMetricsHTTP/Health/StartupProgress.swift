import Synchronization

/// How far a service's start-up steps have got. Readiness reports it as the check `startup`
/// (an error until every step has finished), and ``StartupGateMiddleware`` answers 503 on the
/// service's own routes until then: the HTTP servers run from the first second (liveness,
/// readiness, metrics), the API only once what it needs is there.
public final class StartupProgress: Sendable {
    public enum State: Sendable, Equatable {
        /// `step` runs; `attempt` > 1 after failures worth retrying, the last of them in `lastError`.
        case running(step: String, attempt: Int, lastError: String?)
        case finished
        /// `step` failed for good; the service is stopping.
        case failed(step: String, error: String)
    }

    private let state: Mutex<State>

    /// `firstStep` nil: nothing to wait for, finished from the start.
    public init(firstStep: String?) {
        state = Mutex(firstStep.map { .running(step: $0, attempt: 1, lastError: nil) } ?? .finished)
    }

    public var current: State { state.withLock { $0 } }

    public var isFinished: Bool { current == .finished }

    public func begin(_ step: String) {
        state.withLock { $0 = .running(step: step, attempt: 1, lastError: nil) }
    }

    public func retrying(_ step: String, attempt: Int, after error: String) {
        state.withLock { $0 = .running(step: step, attempt: attempt, lastError: error) }
    }

    public func finish() {
        state.withLock { $0 = .finished }
    }

    public func fail(_ step: String, error: String) {
        state.withLock { $0 = .failed(step: step, error: error) }
    }

    /// The readiness check `startup`: fails, saying which step it waits for, until all have finished.
    public var readinessCheck: ReadinessCheck {
        ReadinessCheck("startup") {
            if let waiting = StartupNotFinished(self.current) { throw waiting }
        }
    }
}

/// Why a service that is still starting cannot take traffic, in words for readiness and for the
/// 503 its routes answer meanwhile.
public struct StartupNotFinished: Error, CustomStringConvertible {
    public let description: String

    public init?(_ state: StartupProgress.State) {
        switch state {
        case .finished:
            return nil
        case .running(let step, 1, _):
            description = "start-up step \(step) has not finished"
        case .running(let step, let attempt, let lastError):
            description = "start-up step \(step) has not finished (attempt \(attempt); last failure: \(lastError ?? "unknown"))"
        case .failed(let step, let error):
            description = "start-up step \(step) failed: \(error); the service is stopping"
        }
    }
}
