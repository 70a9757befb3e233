/// A player of a tenant.
struct TenantPlayer: Sendable, Hashable {
    var tenantID: String
    var playerID: String
}
