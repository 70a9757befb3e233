import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO
import Testing

/// The database `make up` and a deployment make: every service's schema, migrated as the owner
/// by the service's own `migrate` command (the executables `tools/platform/test.sh` names, in
/// the order of `GM_PG_MIGRATING_SERVICES` in tools/platform/lib.sh), then `db/roles.sql`, which
/// grants on every service's tables and so needs all of them.
public enum PlatformSchemas {
    public static let migratingExecutables = ["GM_TEST_USER_BIN", "GM_TEST_PROCESSOR_BIN", "GM_TEST_ANALYTICS_API_BIN", "GM_TEST_NOTIFICATION_BIN", "GM_TEST_RETENTION_BIN", "GM_TEST_RECOMMENDATION_BIN"]

    public static func apply(ownerURL: String, logger: Logger) async throws {
        for variable in migratingExecutables {
            let migrated = try await ChildProcess.run(try TestServers.value(variable), ["migrate"], environment: [MigrateCommand.variable: ownerURL])
            try #require(migrated.status == 0, "\(variable) migrate: \(migrated.output)")
        }
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: try #require(URL(string: ownerURL))), logger: logger) { client in
            for statement in try SQLScript(repositoryFile: "db/roles.sql").statements {
                try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }
}
