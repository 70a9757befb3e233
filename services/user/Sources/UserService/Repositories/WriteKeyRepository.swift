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

/// Tenants' ingestion keys, stored only as fingerprints. A key is active while `revoked_at` is
/// empty or in the future (a reissued key's grace period).
protocol WriteKeyRepository: Sendable {
    func create(_ key: WriteKey, fingerprint: String, tenant: String) async throws
    func list(tenant: String) async throws -> [WriteKey]
    func revoke(_ id: UUID, tenant: String) async throws -> Bool
    /// Creates `successor` (named like the key it replaces) and schedules the active key `id`'s
    /// revocation at `revokeAt` (or keeps an earlier one), in one transaction; returns the
    /// successor and when the old key stops working, nil when there is no such active key.
    func reissue(
        _ id: UUID, successor: WriteKey, fingerprint: String, revokeAt: Date, tenant: String
    ) async throws -> (successor: WriteKey, replacedRevokedAt: Date)?
    /// The tenant of an active key with this fingerprint.
    func resolve(fingerprint: String) async throws -> WriteKeyResolution?
}
