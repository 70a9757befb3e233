import Foundation

/// A value guarded by a lock, for the small bits of shared state (pool bookkeeping, subscriber
/// registry) that are touched from tasks and from the connection threads alike.
///
/// Why not `Synchronization.Mutex`: it needs macOS 15, and the package still declares macOS 14.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
