import Synchronization

/// Values computed once per key and kept: concurrent callers with one key wait for the first
/// one's computation (``SharedComputations``), later ones read the kept value. A failed
/// computation is not kept. One memo lives as long as what it describes, so nothing in it goes
/// stale: one execution of an operation (GraphQL resolves an object's fields concurrently, and
/// four overview fields need the same sums), or one live update (the subscribers it wakes at
/// once share one execution of each operation).
final class Memo: Sendable {
    private let known = Mutex<[String: any Sendable]>([:])
    private let computations = SharedComputations()

    /// The value named `name` (kept per type, so one name may have values of several types).
    func value<Value: Sendable>(for name: String, compute: () async throws -> Value) async rethrows -> Value {
        let key = "\(Value.self)\u{0}\(name)"
        // Unwrapped before the cast: a missing entry cast to an optional Value would be a value.
        if let stored = known.withLock({ $0[key] }), let value = stored as? Value { return value }
        return try await computations.answer(for: key) {
            let value = try await compute()
            known.withLock { $0[key] = value }
            return value
        }
    }
}
