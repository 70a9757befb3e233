import Foundation
import Synchronization

/// Concurrent misses of one cache key share one computation: the first caller computes, the
/// others wait for its encoded answer. Without it, every live delta (which retires a tenant's
/// answers) sends each concurrent dashboard request to PostgreSQL at once. A waiter whose
/// computer failed computes for itself; nothing runs outside the callers' own tasks.
final class SharedComputations: Sendable {
    private let waiting = Mutex<[String: [CheckedContinuation<Data?, Never>]]>([:])

    /// The answer for `key`, computed by `compute` here or by a concurrent caller with the same key.
    func answer(for key: String, compute: () async throws -> Data) async throws -> Data {
        let computing = waiting.withLock { waiting -> Bool in
            if waiting[key] != nil { return false }
            waiting[key] = []
            return true
        }
        if !computing {
            let shared: Data? = await withCheckedContinuation { continuation in
                let stillRunning = waiting.withLock { waiting -> Bool in
                    guard waiting[key] != nil else { return false }
                    waiting[key]!.append(continuation)
                    return true
                }
                if !stillRunning { continuation.resume(returning: nil) }
            }
            if let shared { return shared }
            return try await compute()
        }
        do {
            let data = try await compute()
            finish(key, with: data)
            return data
        } catch {
            finish(key, with: nil)
            throw error
        }
    }

    private func finish(_ key: String, with data: Data?) {
        let waiters = waiting.withLock { $0.removeValue(forKey: key) } ?? []
        for waiter in waiters { waiter.resume(returning: data) }
    }
}
