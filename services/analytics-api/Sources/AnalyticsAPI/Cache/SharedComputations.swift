import Synchronization

/// Concurrent callers with one key share one computation: the first computes, the others wait for
/// its value. Without it, every live delta (which retires a tenant's answers) would send each
/// concurrent dashboard request to PostgreSQL at once. A waiter whose computer failed computes
/// for itself; nothing runs outside the callers' own tasks. A key names values of one type.
final class SharedComputations: Sendable {
    private let waiting = Mutex<[String: [CheckedContinuation<(any Sendable)?, Never>]]>([:])

    /// The value for `key`, computed by `compute` here or by a concurrent caller with the same key.
    func answer<Value: Sendable>(for key: String, compute: () async throws -> Value) async rethrows -> Value {
        let computing = waiting.withLock { waiting -> Bool in
            if waiting[key] != nil { return false }
            waiting[key] = []
            return true
        }
        if !computing {
            let shared: (any Sendable)? = await withCheckedContinuation { continuation in
                let stillRunning = waiting.withLock { waiting -> Bool in
                    guard waiting[key] != nil else { return false }
                    waiting[key]!.append(continuation)
                    return true
                }
                if !stillRunning { continuation.resume(returning: nil) }
            }
            // Unwrapped before the cast: nil (the computer failed) cast to an optional Value would be a value.
            if let shared, let value = shared as? Value { return value }
            return try await compute()
        }
        do {
            let value = try await compute()
            finish(key, with: value)
            return value
        } catch {
            finish(key, with: nil)
            throw error
        }
    }

    private func finish(_ key: String, with value: (any Sendable)?) {
        let waiters = waiting.withLock { $0.removeValue(forKey: key) } ?? []
        for waiter in waiters { waiter.resume(returning: value) }
    }
}
