import Synchronization

/// A value fetched from elsewhere (a JWKS, signing keys, an access token, a credential), held
/// for every caller in the process and refreshed on demand:
///
/// - **One fetch at a time.** Callers that need a fetch while one is running wait for that one.
/// - **At most one fetch per `minimumInterval`**, counted from the start of the previous one,
///   whether it succeeded or failed: neither a flood of requests (forged `kid`s, 401s) nor a
///   failing source turns into a flood of fetches. Within the interval callers get the held
///   value, or the last fetch's error when there is no usable value.
/// - **The last good value is served while a refresh fails**, until it is `usableFor` old;
///   after that callers get the fetch's error.
/// - **Cancellation-safe.** A cancelled caller stops waiting at once; the fetch goes on and its
///   result serves the other callers and the next ones.
///
/// Why the fetch runs in an unstructured `Task` (the one documented exception in ADR 0019): it
/// is shared by callers none of whom owns it, so it cannot be a child task of any one of them —
/// that caller's cancellation would cancel it for all the others — and a service-owned `run()`
/// would make every holder (a verifier, a cache entry per write key) a lifecycle service that
/// must be started before its first use. The task is one bounded call (the fetch carries its
/// own timeout), is not stored, and is awaited by no one: it writes its result into the state,
/// resumes the waiting callers and ends.
public final class RefreshingValue<Value: Sendable>: Sendable {
    /// How long one fetched value serves.
    public struct Lifetime: Sendable, Equatable {
        /// Served without asking again for this long after it arrived.
        public var freshFor: Duration
        /// Served while refreshing fails, for this long after it arrived; nil: for ever.
        public var usableFor: Duration?

        public init(freshFor: Duration, usableFor: Duration?) {
            self.freshFor = freshFor
            self.usableFor = usableFor.map { max($0, freshFor) }
        }
    }

    public typealias Fetch = @Sendable () async throws -> (value: Value, lifetime: Lifetime)

    private struct Held: Sendable {
        let value: Value
        /// When the fetch that produced it started (or when `replace` put it in): a fetch that
        /// started earlier and finishes later does not overwrite it.
        let asOf: ContinuousClock.Instant
        /// When it arrived: its age counts from here.
        let fetchedAt: ContinuousClock.Instant
        let lifetime: Lifetime
        var invalidated = false

        func isFresh(at now: ContinuousClock.Instant) -> Bool {
            !invalidated && now - fetchedAt < lifetime.freshFor
        }

        func isUsable(at now: ContinuousClock.Instant) -> Bool {
            !invalidated && (lifetime.usableFor.map { now - fetchedAt < $0 } ?? true)
        }
    }

    /// A caller waiting for the running fetch. It is registered before its continuation exists,
    /// so a result or a cancellation arriving in between is parked here.
    private enum Waiter: Sendable {
        case pending
        case waiting(CheckedContinuation<Value, any Error>)
        case cancelled
        case delivered(Result<Value, any Error>)
    }

    private struct State: Sendable {
        var held: Held?
        var fetching = false
        var lastFetchStartedAt: ContinuousClock.Instant?
        /// The error of the last fetch when it failed; nil once one succeeds.
        var lastFailure: (any Error)?
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        var fetches = 0
    }

    private enum Step {
        case value(Value)
        case failure(any Error)
        case wait(waiter: Int, startFetchAt: ContinuousClock.Instant?)
        case sleep(until: ContinuousClock.Instant)
    }

    private let minimumInterval: Duration
    private let fetch: Fetch
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    /// - Parameters:
    ///   - fetch: gets a new value and says how long it serves (e.g. from a token's
    ///     `expires_in`). It should carry its own timeout: callers wait for it.
    ///   - now: the time; tests pass a clock they move by hand, so that what they check does
    ///     not depend on how fast a loaded machine runs them.
    public init(
        minimumInterval: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        fetch: @escaping Fetch
    ) {
        self.minimumInterval = minimumInterval
        self.now = now
        self.fetch = fetch
    }

    /// Every value fetched serves for the same `freshFor` / `usableFor`.
    public convenience init(
        freshFor: Duration, usableFor: Duration?, minimumInterval: Duration,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        fetch: @escaping @Sendable () async throws -> Value
    ) {
        let lifetime = Lifetime(freshFor: freshFor, usableFor: usableFor)
        self.init(minimumInterval: minimumInterval, now: now) { (try await fetch(), lifetime) }
    }

    /// The held value while it is fresh; otherwise a fetched one (shared with concurrent callers).
    /// While fetching fails or the minimum interval holds fetches back, the held value as long
    /// as it is usable, else the last fetch's error.
    public func value() async throws -> Value {
        try await obtain(newer: false)
    }

    /// A value fetched from now on, for a caller that knows the held one is out of date (a token
    /// names a key it lacks): joins a running fetch or starts one. Within the minimum interval
    /// of the last fetch it returns the held value (usable or not fresh) rather than fetching.
    public func refresh() async throws -> Value {
        try await obtain(newer: true)
    }

    /// Stops serving the held value (a peer refused it): the next caller fetches, waiting for
    /// the minimum interval since the last fetch to pass if need be.
    public func invalidate() {
        state.withLock { $0.held?.invalidated = true }
    }

    /// Puts in a value obtained by other means (e.g. keys just written by this process), as of
    /// now; a fetch already running when this is called does not overwrite it.
    public func replace(with value: Value, lifetime: Lifetime) {
        let now = now()
        state.withLock { state in
            state.held = Held(value: value, asOf: now, fetchedAt: now, lifetime: lifetime)
            state.lastFailure = nil
        }
    }

    /// The held value while it is usable, without waiting or fetching (for synchronous readers).
    public var latest: Value? {
        let now = now()
        return state.withLock { state in
            guard let held = state.held, held.isUsable(at: now) else { return nil }
            return held.value
        }
    }

    /// When the held value arrived, usable or not; nil when nothing is held.
    public var heldSince: ContinuousClock.Instant? {
        state.withLock { $0.held?.fetchedAt }
    }

    /// How many fetches have started (for tests and metrics).
    public var fetchCount: Int {
        state.withLock { $0.fetches }
    }

    // MARK: - Mechanics

    private func obtain(newer: Bool) async throws -> Value {
        while true {
            let now = now()
            switch state.withLock({ next(&$0, now: now, newer: newer) }) {
            case .value(let value):
                return value
            case .failure(let error):
                throw error
            case .sleep(let instant):
                try await Task.sleep(for: instant - now)
            case .wait(let waiter, let startFetchAt):
                if let startFetchAt { startFetch(startedAt: startFetchAt) }
                return try await wait(for: waiter)
            }
        }
    }

    private func next(_ state: inout State, now: ContinuousClock.Instant, newer: Bool) -> Step {
        if !newer, let held = state.held, held.isFresh(at: now) {
            return .value(held.value)
        }
        if state.fetching {
            return .wait(waiter: register(&state), startFetchAt: nil)
        }
        if let last = state.lastFetchStartedAt, now - last < minimumInterval {
            if let held = state.held, held.isUsable(at: now) { return .value(held.value) }
            if let failure = state.lastFailure { return .failure(failure) }
            // The held value was invalidated (or outlived its use) right after a good fetch.
            return .sleep(until: last + minimumInterval)
        }
        state.fetching = true
        state.lastFetchStartedAt = now
        state.fetches += 1
        return .wait(waiter: register(&state), startFetchAt: now)
    }

    private func register(_ state: inout State) -> Int {
        let id = state.nextWaiterID
        state.nextWaiterID += 1
        state.waiters[id] = .pending
        return id
    }

    private func startFetch(startedAt: ContinuousClock.Instant) {
        // Unstructured on purpose: see the type's documentation (and ADR 0019).
        Task {
            let result: Result<(value: Value, lifetime: Lifetime), any Error>
            do {
                result = .success(try await self.fetch())
            } catch {
                result = .failure(error)
            }
            self.finish(result, startedAt: startedAt)
        }
    }

    private func finish(_ result: Result<(value: Value, lifetime: Lifetime), any Error>, startedAt: ContinuousClock.Instant) {
        let now = now()
        let ready: [CheckedContinuation<Value, any Error>]
        let outcome: Result<Value, any Error>
        (ready, outcome) = state.withLock { state in
            state.fetching = false
            switch result {
            case .success(let fetched):
                state.lastFailure = nil
                if state.held.map({ $0.asOf <= startedAt }) ?? true {
                    state.held = Held(value: fetched.value, asOf: startedAt, fetchedAt: now, lifetime: fetched.lifetime)
                }
            case .failure(let error):
                state.lastFailure = error
            }
            let outcome: Result<Value, any Error>
            if let held = state.held, held.isUsable(at: now) {
                outcome = .success(held.value)
            } else if case .failure(let error) = result {
                outcome = .failure(error)
            } else {
                // A value put in by `replace` and invalidated since; the fetch's own is newer news.
                outcome = result.map { $0.value }
            }
            var ready: [CheckedContinuation<Value, any Error>] = []
            for (id, waiter) in state.waiters {
                switch waiter {
                case .waiting(let continuation):
                    ready.append(continuation)
                    state.waiters[id] = nil
                case .pending:
                    state.waiters[id] = .delivered(outcome)
                case .cancelled:
                    state.waiters[id] = nil
                case .delivered:
                    break
                }
            }
            return (ready, outcome)
        }
        for continuation in ready { continuation.resume(with: outcome) }
    }

    private func wait(for waiter: Int) async throws -> Value {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let now: Result<Value, any Error>? = state.withLock { state in
                    switch state.waiters[waiter] {
                    case .pending:
                        state.waiters[waiter] = .waiting(continuation)
                        return nil
                    case .delivered(let outcome):
                        state.waiters[waiter] = nil
                        return outcome
                    case .cancelled, .waiting, nil:
                        state.waiters[waiter] = nil
                        return .failure(CancellationError())
                    }
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Value, any Error>? = state.withLock { state in
                switch state.waiters[waiter] {
                case .pending:
                    state.waiters[waiter] = .cancelled
                    return nil
                case .waiting(let continuation):
                    state.waiters[waiter] = nil
                    return continuation
                case .cancelled, .delivered, nil:
                    return nil
                }
            }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
