import Synchronization

/// Answers from a `CredentialDirectory`, cached per key. A fresh answer is reused for
/// `freshFor`; after that the next request asks again (one lookup per key at a time, the others
/// wait for it). While the directory is unreachable a known answer keeps serving until it is
/// `usableFor` old, so revocation is still visible within that bound. Unknown keys are
/// remembered for `negativeFor`, so a client retrying a bad key does not reach the directory
/// on every request.
final class CredentialCache<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let value: Value?
        let fetchedAt: ContinuousClock.Instant
    }

    private enum Slot: Sendable {
        case ready(Entry)
        case loading(Task<Value?, any Error>, stale: Entry?)
    }

    private enum Lookup {
        case cached(Value?)
        case loading(Task<Value?, any Error>, stale: Entry?)
    }

    private let freshFor: Duration
    private let usableFor: Duration
    private let negativeFor: Duration
    private let capacity: Int
    private let slots = Mutex<[String: Slot]>([:])

    init(freshFor: Duration, usableFor: Duration, negativeFor: Duration = .seconds(5), capacity: Int = 100_000) {
        self.freshFor = freshFor
        self.usableFor = max(usableFor, freshFor)
        self.negativeFor = min(negativeFor, freshFor)
        self.capacity = capacity
    }

    func value(for key: String, load: @escaping @Sendable () async throws -> Value?) async throws -> Value? {
        let now = ContinuousClock.now
        let lookup: Lookup = slots.withLock { slots in
            switch slots[key] {
            case .ready(let entry) where now - entry.fetchedAt < (entry.value == nil ? negativeFor : freshFor):
                return .cached(entry.value)
            case .loading(let task, let stale):
                return .loading(task, stale: stale)
            case .ready(let entry):
                let task = Task { try await load() }
                slots[key] = .loading(task, stale: entry)
                return .loading(task, stale: entry)
            case nil:
                if slots.count >= capacity { evictExpired(&slots, now: now) }
                let task = Task { try await load() }
                slots[key] = .loading(task, stale: nil)
                return .loading(task, stale: nil)
            }
        }
        let task: Task<Value?, any Error>
        let stale: Entry?
        switch lookup {
        case .cached(let value): return value
        case .loading(let loading, let entry): (task, stale) = (loading, entry)
        }
        do {
            let value = try await task.value
            slots.withLock { slots in
                if case .loading = slots[key] { slots[key] = .ready(Entry(value: value, fetchedAt: .now)) }
            }
            return value
        } catch {
            slots.withLock { slots in
                if case .loading = slots[key] { slots[key] = stale.map { .ready($0) } }
            }
            if let stale, stale.value != nil, ContinuousClock.now - stale.fetchedAt < usableFor {
                return stale.value
            }
            throw error
        }
    }

    private func evictExpired(_ slots: inout [String: Slot], now: ContinuousClock.Instant) {
        slots = slots.filter { _, slot in
            if case .ready(let entry) = slot { return now - entry.fetchedAt < usableFor }
            return true
        }
        if slots.count >= capacity { slots.removeAll(keepingCapacity: true) }
    }
}
