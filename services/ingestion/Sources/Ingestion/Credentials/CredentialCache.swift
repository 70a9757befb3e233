import Synchronization

/// Answers from a `CredentialDirectory`, cached per key. Known keys and unknown ones live in
/// separate bounded stores (`UnknownKeys` for the latter), so no number of bad keys can push a
/// good tenant's entry out.
///
/// A known answer is reused for `freshFor`; after that the next request asks again (one lookup
/// per key at a time, the others wait for it). While the directory is unreachable a known answer
/// keeps serving until it is `usableFor` old, so revocation is still visible within that bound.
/// An unknown key is remembered for `negativeFor`, so it costs at most one lookup per period.
/// A key with no answer at all needs the caller's `LookupAdmission` (a per-peer budget) before
/// it is looked up; the budget is given back when the key turns out to be known.
final class CredentialCache<Value: Sendable>: Sendable {
    /// A lookup was needed but the caller's budget is spent; try again after `retryAfter`.
    struct LookupRefused: Error {
        let retryAfter: Duration
    }

    private struct Entry: Sendable {
        let value: Value
        let fetchedAt: ContinuousClock.Instant
    }

    private enum Slot: Sendable {
        case ready(Entry)
        case loading(Task<Value?, any Error>, stale: Entry?)
    }

    private enum Lookup {
        case cached(Value?)
        case loading(Task<Value?, any Error>, stale: Entry?, admitted: Bool)
        case refused(Duration)
    }

    private let freshFor: Duration
    private let usableFor: Duration
    private let capacity: Int
    private let slots = Mutex<[String: Slot]>([:])
    private let unknown: UnknownKeys

    init(
        freshFor: Duration, usableFor: Duration, negativeFor: Duration = .seconds(30),
        capacity: Int = 100_000, negativeCapacity: Int = 100_000
    ) {
        self.freshFor = freshFor
        self.usableFor = max(usableFor, freshFor)
        self.capacity = max(capacity, 1)
        self.unknown = UnknownKeys(remembering: negativeFor, capacity: negativeCapacity)
    }

    func value(
        for key: String, admission: (any LookupAdmission)? = nil, load: @escaping @Sendable () async throws -> Value?
    ) async throws -> Value? {
        let now = ContinuousClock.now
        let lookup: Lookup = slots.withLock { slots in
            switch slots[key] {
            case .ready(let entry) where now - entry.fetchedAt < freshFor:
                return .cached(entry.value)
            case .loading(let task, let stale):
                return .loading(task, stale: stale, admitted: false)
            case .ready(let entry):
                // A known key is refreshed without the caller's budget: it is not a failed lookup.
                let task = Task { try await load() }
                slots[key] = .loading(task, stale: entry)
                return .loading(task, stale: entry, admitted: false)
            case nil:
                if unknown.contains(key, now: now) { return .cached(nil) }
                if let admission, let wait = admission.take() { return .refused(wait) }
                if slots.count >= capacity { evict(&slots, now: now) }
                let task = Task { try await load() }
                slots[key] = .loading(task, stale: nil)
                return .loading(task, stale: nil, admitted: admission != nil)
            }
        }
        let task: Task<Value?, any Error>
        let stale: Entry?
        let admitted: Bool
        switch lookup {
        case .cached(let value): return value
        case .refused(let wait): throw LookupRefused(retryAfter: wait)
        case .loading(let loading, let entry, let took): (task, stale, admitted) = (loading, entry, took)
        }
        do {
            let value = try await task.value
            let finished = ContinuousClock.now
            slots.withLock { slots in
                guard case .loading = slots[key] else { return }
                if let value {
                    slots[key] = .ready(Entry(value: value, fetchedAt: finished))
                } else {
                    slots[key] = nil
                    unknown.insert(key, now: finished)
                }
            }
            if value != nil, admitted { admission?.refund() }
            return value
        } catch {
            slots.withLock { slots in
                if case .loading = slots[key] { slots[key] = stale.map { .ready($0) } }
            }
            if let stale, ContinuousClock.now - stale.fetchedAt < usableFor {
                return stale.value
            }
            throw error
        }
    }

    /// Makes room among known keys only: first those too old to serve at all, then the oldest.
    private func evict(_ slots: inout [String: Slot], now: ContinuousClock.Instant) {
        slots = slots.filter { _, slot in
            if case .ready(let entry) = slot { return now - entry.fetchedAt < usableFor }
            return true
        }
        guard slots.count >= capacity else { return }
        let oldest = slots.compactMap { key, slot -> (String, ContinuousClock.Instant)? in
            if case .ready(let entry) = slot { return (key, entry.fetchedAt) }
            return nil
        }.sorted { $0.1 < $1.1 }
        for (key, _) in oldest.prefix(slots.count - capacity * 9 / 10) { slots[key] = nil }
    }
}
