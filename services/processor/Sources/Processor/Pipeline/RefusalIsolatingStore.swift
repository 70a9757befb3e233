import GameMetricsKit

/// Stores a batch; when PostgreSQL refuses it because of the data in it (``StoreRefusal``),
/// stores each half again, down to single events, so that only the events refused on their own
/// are set aside and every other event is stored. Each attempt has a time limit
/// (``withTimeout(_:_:)``; the store closes its connection when the limit cancels it). Any other
/// failure is thrown: the caller retries the whole batch, and what was committed already
/// changes nothing the second time.
struct RefusalIsolatingStore: Sendable {
    let underlying: any EventStore
    let attemptTimeout: Duration

    /// A batch after isolation: what was stored, and the events refused alone.
    struct Outcome: Sendable {
        var stored: StoredBatch
        var refused: [RefusedEvent]
    }

    func store(_ events: [ConsumedEvent]) async throws -> Outcome {
        guard !events.isEmpty else { return Outcome(stored: .empty, refused: []) }
        do {
            let stored = try await withTimeout(attemptTimeout) { try await underlying.store(events) }
            return Outcome(stored: stored, refused: [])
        } catch {
            guard let refusal = StoreRefusal(error) else { throw error }
            if events.count == 1 {
                return Outcome(stored: .empty, refused: [RefusedEvent(event: events[0], refusal: refusal)])
            }
            let middle = events.count / 2
            let first = try await store(Array(events[..<middle]))
            let second = try await store(Array(events[middle...]))
            return Outcome(stored: first.stored.followed(by: second.stored), refused: first.refused + second.refused)
        }
    }
}

/// An event PostgreSQL refused on its own.
struct RefusedEvent: Sendable {
    var event: ConsumedEvent
    var refusal: StoreRefusal
}
