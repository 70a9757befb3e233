import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `/v1/retention/policy`: the caller's tenant's policy. Anyone of the tenant may read it; only
/// an admin may change it, within the ranges the OpenAPI document states.
struct PolicyController {
    let store: PolicyStore
    /// `GM_RETENTION_MAX_ARCHIVE_DAYS`: what the archive bucket's lifecycle allows.
    let maxArchiveDays: Int

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/retention/policy", use: show)
        router.put("/v1/retention/policy", use: save)
    }

    struct Shown: ResponseEncodable {
        let tenantID: String
        let stored: PolicyStore.Stored

        enum CodingKeys: String, CodingKey {
            case tenantID = "tenant_id"
            case hotDays = "hot_days"
            case archiveDays = "archive_days"
            case isDefault = "default"
            case updatedAt = "updated_at"
            case updatedBy = "updated_by"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(tenantID, forKey: .tenantID)
            try container.encode(stored.policy.hotDays, forKey: .hotDays)
            try container.encode(stored.policy.archiveDays, forKey: .archiveDays)
            try container.encode(stored.updatedAt == nil, forKey: .isDefault)
            try container.encodeIfPresent(stored.updatedAt.map(RFC3339Millis.string), forKey: .updatedAt)
            try container.encodeIfPresent(stored.updatedBy, forKey: .updatedBy)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Shown {
        let identity = try context.requireIdentity(.viewer)
        return Shown(tenantID: identity.tenantID, stored: try await store.policy(tenantID: identity.tenantID))
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Shown {
        let identity = try context.requireIdentity(.admin)
        let policy = try await JSONBody.decode(RetentionPolicy.self, from: request, context: context)
        var errors: [FieldError] = []
        if !RetentionPolicy.hotDaysRange.contains(policy.hotDays) {
            errors.append(FieldError(field: "hot_days", reason: "out_of_range", detail: "\(RetentionPolicy.hotDaysRange)"))
        }
        if !(0...maxArchiveDays).contains(policy.archiveDays) {
            errors.append(FieldError(field: "archive_days", reason: "out_of_range", detail: "0...\(maxArchiveDays)"))
        }
        guard errors.isEmpty else { throw APIError.badRequest("The policy is not valid.", code: "invalid_policy", details: errors) }
        return Shown(tenantID: identity.tenantID, stored: try await store.save(policy, tenantID: identity.tenantID, by: identity.subject))
    }
}
