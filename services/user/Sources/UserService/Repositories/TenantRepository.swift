/// Tenants and their service clients; platform-level data, not scoped to one tenant.
protocol TenantRepository: Sendable {
    /// nil when the id is taken.
    func createTenant(id: String, name: String, requestsPerSecondLimit: Int) async throws -> Tenant?
    func tenant(_ id: String) async throws -> Tenant?
    /// nil when there is no such tenant.
    func updateTenant(_ id: String, requestsPerSecondLimit: Int) async throws -> Tenant?
    func createClient(_ client: ServiceClient, secretFingerprint: String) async throws
    /// The client whose id and secret fingerprint match, unless revoked.
    func activeClient(_ clientID: String, secretFingerprint: String) async throws -> ServiceClient?
    func clients(of tenantID: String) async throws -> [ServiceClient]
    func revokeClient(_ clientID: String, tenant tenantID: String) async throws -> Bool
}
