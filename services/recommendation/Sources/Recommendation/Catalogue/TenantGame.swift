/// A game of a tenant.
struct TenantGame: Sendable, Hashable {
    var tenantID: String
    var gameID: String
}
