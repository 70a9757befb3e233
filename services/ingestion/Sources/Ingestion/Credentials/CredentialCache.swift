import GameMetricsKit
import Synchronization

/// Answers from a `CredentialDirectory`, cached per key, each key's answer a `RefreshingValue`
/// (one lookup per key at a time, the other callers wait for it; at most one per
/// `minimumInterval`, also while the directory fails). Known keys and unknown ones live in
/// separate bounded stores (`UnknownKeys` for the latter), so no number of bad keys can push a
/// good tenant's entry out.
///
/// A known answer is reused for `freshFor`; after that the next request asks again. While the
/// directory is unreachable a known answer keeps serving until it is `usableFor` old, so
/// revocation is still visible within that bound. An unknown key is remembered for
/// `negativeFor`, so it costs at most one lookup per period. A key with no answer at all needs
/// the caller's `LookupAdmission` (a per-peer budget) before it is looked up; the budget is
/// given back when the key turns out to be known.
final class CredentialCache<Value: Sendable>: Sendable {
    /// A lookup was needed but the caller's budget is spent; try again after `retryAfter`.
    struct LookupRefused: Error {
        let retryAfter: Duration
    }

    private enum Lookup {
        case entry(RefreshingValue<Value?>, admitted: Bool)
        case unknown
        case refused(Duration)
    }

    private let freshFor: Duration
    private let usableFor: Duration
    private let minimumInterval: Duration
    private let capacity: Int
    private let entries = Mutex<[String: RefreshingValue<Value?>]>([:])
    private let unknown: UnknownKeys
    private let now: @Sendable () -> ContinuousClock.Instant

    /// `now`: the time; tests pass a clock they move by hand.
    init(
        freshFor: Duration, usableFor: Duration, negativeFor: Duration = .seconds(30), minimumInterval: Duration = .seconds(1),
        capacity: Int = 100_000, negativeCapacity: Int = 100_000, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.now = now
        self.freshFor = freshFor
        self.usableFor = max(usableFor, freshFor)
        self.minimumInterval = minimumInterval
        self.capacity = max(capacity, 1)
        self.unknown = UnknownKeys(remembering: negativeFor, capacity: negativeCapacity, now: now())
    }

    func value(
        for key: String, admission: (any LookupAdmission)? = nil, load: @escaping @Sendable () async throws -> Value?
    ) async throws -> Value? {
        let now = self.now()
        let lookup: Lookup = entries.withLock { entries in
            // A key already held is refreshed without the caller's budget: it is not a failed lookup.
            if let entry = entries[key] { return .entry(entry, admitted: false) }
            if unknown.contains(key, now: now) { return .unknown }
            if let admission, let wait = admission.take() { return .refused(wait) }
            if entries.count >= capacity { evict(&entries, now: now) }
            let entry = RefreshingValue<Value?>(
                freshFor: freshFor, usableFor: usableFor, minimumInterval: minimumInterval, now: self.now, fetch: load)
            entries[key] = entry
            return .entry(entry, admitted: admission != nil)
        }
        let entry: RefreshingValue<Value?>
        let admitted: Bool
        switch lookup {
        case .unknown: return nil
        case .refused(let wait): throw LookupRefused(retryAfter: wait)
        case .entry(let found, let took): (entry, admitted) = (found, took)
        }
        let value: Value?
        do {
            value = try await entry.value()
        } catch {
            // A key that never had an answer is forgotten: its next lookup needs a budget again.
            if entry.heldSince == nil { forget(key, entry) }
            throw error
        }
        if value == nil {
            forget(key, entry)
            unknown.insert(key, now: self.now())
        } else if admitted {
            admission?.refund()
        }
        return value
    }

    private func forget(_ key: String, _ entry: RefreshingValue<Value?>) {
        entries.withLock { entries in
            if entries[key] === entry { entries[key] = nil }
        }
    }

    /// Makes room among known keys only: first those too old to serve at all, then the oldest.
    /// Keys still being looked up for the first time stay.
    private func evict(_ entries: inout [String: RefreshingValue<Value?>], now: ContinuousClock.Instant) {
        entries = entries.filter { _, entry in entry.heldSince.map { now - $0 < usableFor } ?? true }
        guard entries.count >= capacity else { return }
        let oldest = entries.compactMap { key, entry in entry.heldSince.map { (key, $0) } }.sorted { $0.1 < $1.1 }
        for (key, _) in oldest.prefix(entries.count - capacity * 9 / 10) { entries[key] = nil }
    }
}
