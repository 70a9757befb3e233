/// Where consumed events and their time series are written.
protocol EventStore: Sendable {
    /// Writes the events, and updates every aggregate from only the events that were not stored
    /// before, in one transaction: a batch replayed after a crash changes nothing.
    func store(_ events: [ConsumedEvent]) async throws -> StoredBatch
}
