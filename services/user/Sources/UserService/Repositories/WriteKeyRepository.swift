import Foundation

/// What a presented write key resolves to.
struct WriteKeyResolution: Codable, Sendable, Equatable {
    var tenantID: String
    var keyID: UUID
    var requestsPerSecondLimit: Int

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id"
        case keyID = "key_id"
        case requestsPerSecondLimit = "requests_per_second_limit"
    }
}

/// Tenants' ingestion keys, stored only as fingerprints.
protocol WriteKeyRepository: Sendable {
    func create(_ key: WriteKey, fingerprint: String, tenant: String) async throws
    func list(tenant: String) async throws -> [WriteKey]
    func revoke(_ id: UUID, tenant: String) async throws -> Bool
    /// The tenant of an active key with this fingerprint.
    func resolve(fingerprint: String) async throws -> WriteKeyResolution?
}
