import Logging
import ServiceLifecycle
import Synchronization

/// Retires a tenant's cached answers after its live deltas, at most once per `interval`. At
/// 2,000 events/s the processor stores several batches a second; retiring on each would make
/// nearly every dashboard request a miss. The first delta after a quiet `interval` retires at
/// once; later ones are retired together once `interval` has passed (checked every quarter of
/// it), so a cached answer is at most 1.25 × `interval` behind the stored data. A zero
/// `interval` retires on every delta.
final class CacheRetirement: Service, Sendable {
    private struct Retired {
        var at: ContinuousClock.Instant
        /// A delta arrived since, not yet retired.
        var pending: Bool
    }

    private let cache: AnswerCache
    let interval: Duration
    private let logger: Logger
    private let tenants = Mutex<[String: Retired]>([:])

    init(cache: AnswerCache, interval: Duration, logger: Logger) {
        self.cache = cache
        self.interval = interval
        self.logger = logger
    }

    /// A live delta of `tenant` arrived.
    func deltaArrived(tenant: String) async {
        let now = ContinuousClock.now
        let retireNow = tenants.withLock { tenants -> Bool in
            if let retired = tenants[tenant], now - retired.at < interval {
                tenants[tenant]?.pending = true
                return false
            }
            tenants[tenant] = Retired(at: now, pending: false)
            return true
        }
        if retireNow { await retire(tenant) }
    }

    func run() async throws {
        let tick = max(interval / 4, .milliseconds(10))
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: tick)
                for tenant in self.due() { await self.retire(tenant) }
            }
        }
    }

    /// The tenants with deltas waiting whose interval has passed; forgets the quiet ones (their
    /// next delta retires at once, as if never seen), so the map holds only active tenants.
    private func due() -> [String] {
        let now = ContinuousClock.now
        return tenants.withLock { tenants in
            var due: [String] = []
            for (tenant, retired) in tenants where now - retired.at >= interval {
                if retired.pending {
                    due.append(tenant)
                    tenants[tenant] = Retired(at: now, pending: false)
                } else {
                    tenants[tenant] = nil
                }
            }
            return due
        }
    }

    private func retire(_ tenant: String) async {
        do {
            try await cache.retire(tenant: tenant)
        } catch {
            logger.debug("cached answers not retired", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
        }
    }
}
