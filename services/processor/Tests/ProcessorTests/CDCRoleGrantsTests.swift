import Foundation
import GameMetricsPostgres
import GameMetricsTesting
import Logging
import PostgresNIO
import Testing

/// Debezium's role `gm_cdc` (charts/postgres, a CloudNativePG managed role with REPLICATION)
/// and the owner's publication `gm_player_changes` come from `db/roles.sql`, whose grant to
/// `gm_cdc` applies only where the role exists (a cluster). Here the role is created first, as
/// the operator would, so that branch runs against a real PostgreSQL: the connector snapshots
/// `players` (every tenant's rows: it is not a tenant) and reaches nothing else, and the
/// publication carries `players` alone, without its email column.
@Suite("Debezium's role reads only the players table, and the publication publishes only it", .serialized)
struct CDCRoleGrantsTests {
    @Test("gm_cdc reads players, nothing else, and the grants file stays idempotent with it")
    func cdcRoleReadsOnlyPlayers() async throws {
        let password = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await Self.ensureReplicationRole(password: password)
        try await ServiceRoleDatabase.run { database in
            // Applied a second time, as every deployment does: still no error, same result.
            try await database.asOwner { client in
                for statement in try SQLScript(repositoryFile: "db/roles.sql").statements {
                    try await client.query(PostgresQuery(unsafeSQL: statement), logger: database.logger)
                }
                let published = try await client.query(
                    "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = 'gm_player_changes' ORDER BY 1, 2",
                    logger: database.logger
                ).collect().map { try $0.decode((String, String).self) }
                #expect(published.map { "\($0.0).\($0.1)" } == ["public.players"])
                // Personal data that does not leave by this route: the publication names its columns.
                let columns = try await client.query(
                    "SELECT unnest(attnames)::text FROM pg_publication_tables WHERE pubname = 'gm_player_changes' ORDER BY 1",
                    logger: database.logger
                ).collect().map { try $0.decode(String.self) }
                #expect(columns == ["attributes", "country", "created_at", "display_name", "player_id", "tenant_id", "updated_at"])
                // A player of a tenant, written as the service writes it (row-level security).
                try await client.withTransaction(logger: database.logger) { connection in
                    try await connection.query("SELECT set_config('gm.tenant_id', 'cdc-tenant', true)", logger: database.logger)
                    try await connection.query("INSERT INTO tenants (id, name) VALUES ('cdc-tenant', 'CDC') ON CONFLICT DO NOTHING", logger: database.logger)
                    try await connection.query("INSERT INTO players (tenant_id, player_id) VALUES ('cdc-tenant', 'p-1') ON CONFLICT DO NOTHING", logger: database.logger)
                }
            }
            var url = try #require(URLComponents(url: try database.url(of: .user), resolvingAgainstBaseURL: false))
            url.user = "gm_cdc"
            url.password = password
            try await PostgresClient.withShortLivedClient(
                try PostgresClient.Configuration(url: try #require(url.url)), logger: database.logger
            ) { client in
                // The initial snapshot sees every tenant's players, whatever gm.tenant_id says.
                let seen = try await client.query("SELECT count(*) FROM players", logger: database.logger).collect()
                #expect(try seen.first?.decode(Int.self) == 1, "gm_cdc's snapshot would miss the players row-level security hides")
                await database.expectCommonDenials(on: client)
                await database.expectDenied("SELECT count(*) FROM events_raw", on: client, "reading raw events")
                await database.expectDenied("SELECT count(*) FROM audit_log", on: client, "reading the audit log")
                await database.expectDenied("INSERT INTO players (tenant_id) VALUES ('t')", on: client, "writing players")
            }
        }
    }

    /// Creates `gm_cdc` as CloudNativePG would (LOGIN REPLICATION, nothing else), through the
    /// superuser of `GM_TEST_PG_ADMIN_URL`; the password is quoted by the server (`format %L`).
    private static func ensureReplicationRole(password: String) async throws {
        let admin = try #require(URL(string: try TestServers.value("GM_TEST_PG_ADMIN_URL")))
        let logger = Logger(label: "cdc-role")
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: admin), logger: logger) { client in
            let exists = try await client.query("SELECT 1 FROM pg_roles WHERE rolname = 'gm_cdc'", logger: logger).collect()
            if exists.isEmpty {
                for try await _ in try await client.query("CREATE ROLE gm_cdc", logger: logger) {}
            }
            let alter = try await client.query(
                "SELECT format('ALTER ROLE gm_cdc WITH LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L', \(password))",
                logger: logger
            ).collect()
            let statement = try #require(alter.first).decode(String.self)
            for try await _ in try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger) {}
        }
    }
}
