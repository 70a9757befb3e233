import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO

/// Tenants' retention policies (`retention_policies`); a tenant without a row has `defaults`.
struct PolicyStore: Sendable {
    let postgres: PostgresClient
    let defaults: RetentionPolicy
    let audit: RetentionAudit
    let logger: Logger

    struct Stored: Sendable, Equatable {
        var policy: RetentionPolicy
        /// nil while the tenant has the defaults.
        var updatedAt: Date?
        var updatedBy: String?
    }

    func policy(tenantID: String) async throws -> Stored {
        let rows = try await postgres.query(
            "SELECT hot_days, archive_days, updated_at, updated_by FROM retention_policies WHERE tenant_id = \(tenantID)", logger: logger)
        for try await (hot, archive, at, by) in rows.decode((Int, Int, Date, String).self) {
            return Stored(policy: RetentionPolicy(hotDays: hot, archiveDays: archive), updatedAt: at, updatedBy: by)
        }
        return Stored(policy: defaults)
    }

    /// Every tenant's own policy (tenants absent have the defaults).
    func all() async throws -> [String: RetentionPolicy] {
        var policies: [String: RetentionPolicy] = [:]
        for try await (tenant, hot, archive) in try await postgres.query(
            "SELECT tenant_id, hot_days, archive_days FROM retention_policies", logger: logger
        ).decode((String, Int, Int).self) {
            policies[tenant] = RetentionPolicy(hotDays: hot, archiveDays: archive)
        }
        return policies
    }

    func save(_ policy: RetentionPolicy, tenantID: String, by subject: String) async throws -> Stored {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            let rows = try await connection.answeredStatement(
                """
                INSERT INTO retention_policies (tenant_id, hot_days, archive_days, updated_by)
                VALUES (\(tenantID), \(policy.hotDays), \(policy.archiveDays), \(subject))
                ON CONFLICT (tenant_id) DO UPDATE SET hot_days = excluded.hot_days, archive_days = excluded.archive_days,
                    updated_at = now(), updated_by = excluded.updated_by
                RETURNING updated_at
                """, logger: logger)
            try await audit.record(
                .policyChanged, tenantID: tenantID, subject: "policy", actor: subject,
                payload: ["hot_days": .int(policy.hotDays), "archive_days": .int(policy.archiveDays)], on: connection)
            return Stored(policy: policy, updatedAt: try rows.first?.decode(Date.self) ?? Date(), updatedBy: subject)
        }
    }
}
