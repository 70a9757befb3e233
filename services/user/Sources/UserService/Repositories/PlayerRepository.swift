/// Player profiles of one tenant at a time: no method can see another tenant's rows.
protocol PlayerRepository: Sendable {
    /// nil when the tenant already has a player with that id.
    func create(_ player: NewPlayer, tenant: String) async throws -> Player?
    func get(_ playerID: String, tenant: String) async throws -> Player?
    func update(_ playerID: String, tenant: String, with fields: PlayerFields) async throws -> Player?
    func delete(_ playerID: String, tenant: String) async throws -> Bool
    func list(_ query: PlayerQuery, tenant: String) async throws -> [Player]
}
