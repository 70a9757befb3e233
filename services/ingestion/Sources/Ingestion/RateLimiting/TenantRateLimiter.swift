import Logging
import Synchronization

/// Per-tenant token buckets: `limit` requests per second, holding `burstSeconds` of it.
///
/// With a ledger (Redis) the bucket is shared by every replica: each replica leases a slice of
/// tokens (`leaseSeconds` worth of the rate) and spends it locally, leasing again before it runs
/// out, so the fleet never admits more than the shared bucket grants and Redis sees a few calls
/// per second per tenant instead of one per request. Leased tokens expire after
/// `leaseLifetime`, bounding how far a replica can run ahead. When the ledger is unreachable a
/// replica falls back to a local bucket at the tenant's full rate (exact for itself, generous
/// for the fleet) and tries the ledger again after `ledgerRetry`. Without a ledger the local
/// bucket is the limiter.
///
/// A lease is taken by the request that needs it, in its own task (one lease per tenant in
/// flight); requests that need the same tenant's lease meanwhile wait for that one, and the
/// request that asks for a refill before the slice runs out waits for it too (one Redis round
/// trip, once per half slice).
final class TenantRateLimiter: Sendable {
    private struct Allowance {
        var limit: Int
        var local: TokenBucket
        var leased = 0
        var leaseExpiresAt: ContinuousClock.Instant
        var refusedUntil: ContinuousClock.Instant?
        /// Requests waiting for the lease in flight; nil while none is.
        var leaseWaiters: [CheckedContinuation<Void, Never>]?
    }

    private enum Step {
        case decided(RateDecision)
        /// This request takes the lease, then decides again.
        case lease
        /// This request is allowed and takes the next lease before the slice runs out.
        case allowedAfterRefill
        /// Another request is taking the lease: wait for it, then decide again.
        case awaitLease
    }

    private struct State {
        var tenants: [String: Allowance] = [:]
        var ledgerDownUntil: ContinuousClock.Instant?
    }

    private let ledger: (any RateLimitLedger)?
    private let burstSeconds: Double
    private let leaseSeconds: Double
    private let leaseLifetime: Duration
    private let ledgerRetry: Duration
    private let logger: Logger
    private let state = Mutex(State())

    init(
        ledger: (any RateLimitLedger)?, burstSeconds: Double = 1, leaseSeconds: Double = 0.02,
        leaseLifetime: Duration = .seconds(1), ledgerRetry: Duration = .seconds(5), logger: Logger
    ) {
        self.ledger = ledger
        self.burstSeconds = burstSeconds
        self.leaseSeconds = leaseSeconds
        self.leaseLifetime = leaseLifetime
        self.ledgerRetry = ledgerRetry
        self.logger = logger
    }

    func admit(tenant: String, limit: Int) async -> RateDecision {
        // A request that waited for a lease someone else then used up tries once more.
        for _ in 0..<2 {
            switch step(tenant: tenant, limit: limit) {
            case .decided(let decision): return decision
            case .lease: await lease(tenant: tenant, limit: limit)
            case .allowedAfterRefill:
                await lease(tenant: tenant, limit: limit)
                return .allowed
            case .awaitLease: await waitForLease(tenant: tenant)
            }
        }
        return .throttled(retryAfter: .seconds(1.0 / Double(max(limit, 1))))
    }

    private func step(tenant: String, limit: Int) -> Step {
        let now = ContinuousClock.now
        return state.withLock { state in
            var allowance =
                state.tenants[tenant]
                ?? Allowance(
                    limit: limit, local: TokenBucket(rate: Double(limit), capacity: capacity(limit), now: now), leaseExpiresAt: now)
            if allowance.limit != limit {
                allowance.limit = limit
                allowance.local.reconfigure(rate: Double(limit), capacity: capacity(limit), now: now)
            }
            defer { state.tenants[tenant] = allowance }
            guard ledger != nil, state.ledgerDownUntil.map({ now >= $0 }) ?? true else {
                return .decided(allowance.local.take(now: now).map { .throttled(retryAfter: $0) } ?? .allowed)
            }
            if allowance.leased > 0, now < allowance.leaseExpiresAt {
                allowance.leased -= 1
                // A refill before the slice runs out, unless one is in flight or the shared
                // bucket said it is dry until `refusedUntil`.
                let refillDue = allowance.refusedUntil.map { now >= $0 } ?? true
                if allowance.leased <= leaseSize(limit) / 2, allowance.leaseWaiters == nil, refillDue {
                    allowance.leaseWaiters = []
                    return .allowedAfterRefill
                }
                return .decided(.allowed)
            }
            if let refusedUntil = allowance.refusedUntil, now < refusedUntil {
                return .decided(.throttled(retryAfter: refusedUntil - now))
            }
            if allowance.leaseWaiters == nil {
                allowance.leaseWaiters = []
                return .lease
            }
            return .awaitLease
        }
    }

    private func capacity(_ limit: Int) -> Double { max(1, Double(limit) * burstSeconds) }
    private func leaseSize(_ limit: Int) -> Int { max(1, Int(Double(limit) * leaseSeconds)) }

    /// Returns once the lease in flight for `tenant` is done (at once when none is).
    private func waitForLease(tenant: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting = state.withLock { state in
                guard state.tenants[tenant]?.leaseWaiters != nil else { return false }
                state.tenants[tenant]!.leaseWaiters!.append(continuation)
                return true
            }
            if !waiting { continuation.resume() }
        }
    }

    /// Takes a slice of the tenant's shared bucket, then wakes the requests that waited for it.
    private func lease(tenant: String, limit: Int) async {
        guard let ledger else { return }
        let outcome: Result<RateLease, any Error>
        do {
            outcome = .success(try await ledger.lease(tenant: tenant, rate: limit, capacity: Int(capacity(limit)), count: leaseSize(limit)))
        } catch {
            outcome = .failure(error)
        }
        let now = ContinuousClock.now
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard var allowance = state.tenants[tenant] else { return [] }
            let waiters = allowance.leaseWaiters ?? []
            allowance.leaseWaiters = nil
            switch outcome {
            case .success(let lease):
                allowance.leased = (now < allowance.leaseExpiresAt ? allowance.leased : 0) + lease.granted
                allowance.leaseExpiresAt = now + leaseLifetime
                // A short slice means the shared bucket is dry: lease again when a whole slice is back.
                allowance.refusedUntil = lease.granted < leaseSize(limit) ? now + lease.retryAfter : nil
            case .failure(let error):
                // A request cancelled (its client went away) says nothing about the ledger.
                if !(error is CancellationError) && !Task.isCancelled {
                    if state.ledgerDownUntil == nil || now >= state.ledgerDownUntil! {
                        logger.warning("rate-limit ledger unreachable; limiting per instance", metadata: ["error": "\(error)"])
                        IngestionMetrics.ledgerFailures.increment()
                    }
                    state.ledgerDownUntil = now + ledgerRetry
                }
            }
            state.tenants[tenant] = allowance
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
