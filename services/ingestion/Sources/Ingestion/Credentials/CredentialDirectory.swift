/// Where credentials are looked up: the user service in production, a dictionary in unit tests.
protocol CredentialDirectory: Sendable {
    /// The tenant of an active write key; nil when the key is unknown or revoked.
    func resolveWriteKey(_ key: String) async throws -> TenantCredential?
    /// A tenant's request limit; nil when there is no such tenant.
    func requestLimit(ofTenant tenantID: String) async throws -> Int?
}
