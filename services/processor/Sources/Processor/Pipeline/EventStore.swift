/// Where consumed events and their time series are written.
protocol EventStore: Sendable {
    /// Writes the events, and updates every aggregate from only the events that were not stored
    /// before, in one transaction: a batch replayed after a crash changes nothing.
    func store(_ events: [ConsumedEvent]) async throws -> StoredBatch

    /// Hands `send` the players that are not erased and holds off erasures until it returns, so
    /// that no state is published after a player's tombstone.
    func publish(_ players: [PlayerSnapshot], _ send: @Sendable ([PlayerSnapshot]) async throws -> Void) async throws
}
