/// Deletes what the processor holds about one player.
protocol PlayerDataEraser: Sendable {
    /// Rows deleted per table; running it again deletes nothing more.
    func erase(playerID: String, tenantID: String) async throws -> [String: Int]
}
