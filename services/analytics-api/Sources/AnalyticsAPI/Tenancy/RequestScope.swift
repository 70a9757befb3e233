import GameMetricsHTTP

/// Who asks, in one GraphQL operation, and which tenant each field may read.
struct RequestScope: Sendable {
    let identity: Identity
    let operationName: String?
    let querySHA256: String
    let audit: any CrossTenantAudit

    /// The tenant `field` reads: the caller's own, or — for a platform-admin only — the one it
    /// names, after the audit log has taken the record of it.
    func tenant(_ asked: String?, field: String, needs role: Identity.Role = .viewer) async throws -> String {
        guard identity.has(role) else {
            throw AnalyticsError(.forbidden, "\(field) needs the role \(role.rawValue)")
        }
        guard let asked, asked != identity.tenantID else { return identity.tenantID }
        guard identity.has(.platformAdmin) else {
            throw AnalyticsError(.forbidden, "only a platform-admin may read another tenant's analytics")
        }
        guard !asked.isEmpty, asked.utf8.count <= 128, asked.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw AnalyticsError(.badArgument, "`tenant` is not a tenant id")
        }
        try await audit.record(
            CrossTenantRead(
                tenant: asked, actor: identity.subject, homeTenant: identity.tenantID, operationName: operationName, querySHA256: querySHA256,
                fields: [field]))
        return asked
    }
}
