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
final class TenantRateLimiter: Sendable {
    private struct Allowance {
        var limit: Int
        var local: TokenBucket
        var leased = 0
        var leaseExpiresAt: ContinuousClock.Instant
        var refusedUntil: ContinuousClock.Instant?
        var leaseInFlight: Task<Void, Never>?
    }

    private enum Step {
        case decided(RateDecision)
        case awaitLease(Task<Void, Never>)
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
            case .awaitLease(let lease): await lease.value
            }
        }
        return .throttled(retryAfter: .seconds(1.0 / Double(max(limit, 1))))
    }

    private func step(tenant: String, limit: Int) -> Step {
        let now = ContinuousClock.now
        return state.withLock { state in
            var allowance = state.tenants[tenant] ?? Allowance(
                limit: limit, local: TokenBucket(rate: Double(limit), capacity: capacity(limit), now: now), leaseExpiresAt: now)
            if allowance.limit != limit {
                allowance.limit = limit
                allowance.local.reconfigure(rate: Double(limit), capacity: capacity(limit), now: now)
            }
            defer { state.tenants[tenant] = allowance }
            guard let ledger, state.ledgerDownUntil.map({ now >= $0 }) ?? true else {
                return .decided(allowance.local.take(now: now).map { .throttled(retryAfter: $0) } ?? .allowed)
            }
            if allowance.leased > 0, now < allowance.leaseExpiresAt {
                allowance.leased -= 1
                if allowance.leased <= leaseSize(limit) / 2, allowance.leaseInFlight == nil {
                    allowance.leaseInFlight = startLease(tenant: tenant, limit: limit, ledger: ledger)
                }
                return .decided(.allowed)
            }
            if let refusedUntil = allowance.refusedUntil, now < refusedUntil {
                return .decided(.throttled(retryAfter: refusedUntil - now))
            }
            if allowance.leaseInFlight == nil {
                allowance.leaseInFlight = startLease(tenant: tenant, limit: limit, ledger: ledger)
            }
            return .awaitLease(allowance.leaseInFlight!)
        }
    }

    private func capacity(_ limit: Int) -> Double { max(1, Double(limit) * burstSeconds) }
    private func leaseSize(_ limit: Int) -> Int { max(1, Int(Double(limit) * leaseSeconds)) }

    private func startLease(tenant: String, limit: Int, ledger: any RateLimitLedger) -> Task<Void, Never> {
        let count = leaseSize(limit)
        let capacity = Int(capacity(limit))
        return Task {
            let outcome: Result<RateLease, any Error>
            do {
                outcome = .success(try await ledger.lease(tenant: tenant, rate: limit, capacity: capacity, count: count))
            } catch {
                outcome = .failure(error)
            }
            let now = ContinuousClock.now
            state.withLock { state in
                guard var allowance = state.tenants[tenant] else { return }
                allowance.leaseInFlight = nil
                switch outcome {
                case .success(let lease):
                    allowance.leased = (now < allowance.leaseExpiresAt ? allowance.leased : 0) + lease.granted
                    allowance.leaseExpiresAt = now + leaseLifetime
                    allowance.refusedUntil = lease.granted == 0 ? now + lease.retryAfter : nil
                case .failure(let error):
                    if state.ledgerDownUntil == nil || now >= state.ledgerDownUntil! {
                        logger.warning("rate-limit ledger unreachable; limiting per instance", metadata: ["error": "\(error)"])
                        IngestionMetrics.ledgerFailures.increment()
                    }
                    state.ledgerDownUntil = now + ledgerRetry
                }
                state.tenants[tenant] = allowance
            }
        }
    }
}
