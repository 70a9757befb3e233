import GameMetricsPostgres
import Logging
import PostgresNIO

/// Runs database work as one tenant: a transaction in which `gm.tenant_id` is set, so the
/// row-level security policies show and accept only that tenant's rows.
struct TenantScope: Sendable {
    let client: PostgresClient
    let logger: Logger

    func run<Result: Sendable>(
        tenant tenantID: String, _ work: @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.withTransactionEndingWithConnection(logger: logger) { connection in
            try await enter(tenant: tenantID, on: connection)
            return try await work(connection)
        }
    }

    /// Scopes the rest of a transaction opened elsewhere (the erasure participant's) to `tenantID`.
    func enter(tenant tenantID: String, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT set_config('gm.tenant_id', \(tenantID), true)", logger: logger)
    }
}
