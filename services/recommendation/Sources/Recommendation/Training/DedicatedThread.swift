import Foundation

/// Runs long blocking work (training: minutes of arithmetic on every core) on a thread of its
/// own, so that Swift's cooperative pool — two threads on two cores — keeps serving requests.
/// The work itself spreads over cores with `DispatchQueue.concurrentPerform`.
enum DedicatedThread {
    static func run<T: Sendable>(name: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try work() })
            }
            thread.name = name
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
