import Synchronization

@testable import Ingestion

/// A test double: a credential directory held in memory.
final class InMemoryCredentialDirectory: CredentialDirectory {
    struct Unreachable: Error {}

    private struct State {
        var writeKeys: [String: TenantCredential] = [:]
        var limits: [String: Int] = [:]
        var reachable = true
        var lookups = 0
    }

    private let state = Mutex(State())

    init(writeKeys: [String: TenantCredential] = [:], limits: [String: Int] = [:]) {
        state.withLock {
            $0.writeKeys = writeKeys
            $0.limits = limits
        }
    }

    /// How many lookups reached the directory (cache misses).
    var lookups: Int { state.withLock { $0.lookups } }

    func revoke(_ key: String) { state.withLock { _ = $0.writeKeys.removeValue(forKey: key) } }
    func setReachable(_ reachable: Bool) { state.withLock { $0.reachable = reachable } }

    func resolveWriteKey(_ key: String) async throws -> TenantCredential? {
        try state.withLock { state in
            state.lookups += 1
            guard state.reachable else { throw Unreachable() }
            return state.writeKeys[key]
        }
    }

    func requestLimit(ofTenant tenantID: String) async throws -> Int? {
        try state.withLock { state in
            state.lookups += 1
            guard state.reachable else { throw Unreachable() }
            return state.limits[tenantID]
        }
    }
}
