import GameMetricsPostgres
import GameMetricsService

extension UserMigrations {
    /// Service clients may hold `audit-writer` (other services append audit records:
    /// `POST /v1/audit/records`). The constraint of migration 13 is replaced by the same one with
    /// that role added, again NOT VALID: rows are not rechecked, new and updated rows are.
    static let auditWriter: [Migration] = [
        Migration(
            version: 15, name: "client_role_audit_writer",
            statements: [
                "ALTER TABLE service_clients DROP CONSTRAINT service_clients_roles_known",
                """
                ALTER TABLE service_clients ADD CONSTRAINT service_clients_roles_known CHECK (cardinality(roles) > 0
                    AND roles <@ ARRAY['viewer', 'operator', 'admin', 'platform-admin', 'ingestion', 'audit-writer']::text[]) NOT VALID
                """,
            ])
    ]
}
