import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Every tenant's rollout as this replica serves it: read from `rec_rollouts` at start and every
/// `refresh`, and at once after a change made through this replica. So a model switch needs no
/// restart, and reaches every replica within `refresh`.
final class RolloutTable: Service, Sendable {
    private let store: ModelStore
    private let refresh: Duration
    private let logger: Logger
    private let table = Mutex<[String: Rollout]?>(nil)

    init(store: ModelStore, refresh: Duration, logger: Logger) {
        self.store = store
        self.refresh = refresh
        self.logger = logger
    }

    /// The tenant's rollout; nil when it has no model yet (or before the first read).
    func rollout(tenantID: String) -> Rollout? {
        table.withLock { $0?[tenantID] }
    }

    /// Whether the table has been read once (readiness).
    var isLoaded: Bool { table.withLock { $0 != nil } }

    func reload() async throws {
        let rollouts = try await store.rollouts()
        table.withLock { $0 = rollouts }
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await reload()
            } catch {
                logger.warning("could not read the rollouts; serving the last ones read", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.refresh) }
        }
    }
}
