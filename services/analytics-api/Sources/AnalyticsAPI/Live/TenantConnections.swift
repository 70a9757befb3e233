import Synchronization

/// Open subscription connections per tenant on this instance, capped, so one tenant cannot take
/// every connection (and file descriptor) an instance has.
final class TenantConnections: Sendable {
    private let open = Mutex<[String: Int]>([:])
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a place for `tenant`; false when it already holds `limit`.
    func acquire(_ tenant: String) -> Bool {
        open.withLock { open in
            guard open[tenant, default: 0] < limit else { return false }
            open[tenant, default: 0] += 1
            return true
        }
    }

    func release(_ tenant: String) {
        open.withLock { open in
            open[tenant, default: 1] -= 1
            if open[tenant] == 0 { open[tenant] = nil }
        }
    }
}
