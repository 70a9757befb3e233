import Synchronization

/// What one execution of an operation has already read, by name. GraphQL resolves an object's
/// fields concurrently, and several fields of one object need the same answer (the overview's
/// sums feed four of them): the first computes it, the others wait for it, and later fields
/// read it from here. A failed computation is not kept. One memo lives for one execution only
/// (``GraphQLExecutor/execute(_:context:rootValue:)``), so nothing in it goes stale.
final class OperationMemo: Sendable {
    private let known = Mutex<[String: any Sendable]>([:])
    private let computations = SharedComputations()

    /// The value named `name` (kept per type, so one name may have values of several types).
    func value<Value: Sendable>(for name: String, compute: () async throws -> Value) async throws -> Value {
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
