import GameMetricsPostgres
import GameMetricsService

extension UserMigrations {
    /// The tenant's ingestion limit counts requests, as the ingestion token bucket does (docs/architecture.md#events, ADR 0010); the
    /// first schema named it after events.
    static let rateLimits: [Migration] = [
        Migration(
            version: 9, name: "tenant_request_rate_limit",
            statements: [
                "ALTER TABLE tenants RENAME COLUMN events_per_second_limit TO requests_per_second_limit"
            ])
    ]
}
