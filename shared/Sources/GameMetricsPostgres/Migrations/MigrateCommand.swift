import Foundation
import GameMetricsKit
import Logging
import PostgresNIO

/// `<service> migrate`: applies the service's migrations as the schema owner named by
/// `GM_PG_MIGRATION_URL` (or the file `GM_PG_MIGRATION_URL_FILE` names), then exits (0 done, 1 a migration failed, 2 configuration). This is the
/// step a deployment runs before the new version starts (a Helm hook job; `make up` runs it):
/// the running service connects with its own role (`GM_PG_URL`), which may read and write its
/// tables but not change the schema, and only checks at start that nothing is pending (ADR 0016).
/// `db/roles.sql` is applied by the owner after every service's `migrate`.
public enum MigrateCommand {
    public static let variable = "GM_PG_MIGRATION_URL"

    public static func run(service: String, migrations: [Migration], table: String, environment: EnvironmentReader) async -> Int32 {
        let logger = Logger(label: "\(service).migrate")
        let configuration: PostgresClient.Configuration
        do {
            configuration = try PostgresClient.Configuration(
                url: try environment.requiredSecretURL(variable, schemes: ["postgres", "postgresql"]), variable: variable)
        } catch {
            FileHandle.standardError.write(Data("\(service) migrate: \(error)\n".utf8))
            return 2
        }
        do {
            let report = try await PostgresClient.withShortLivedClient(configuration, logger: logger) { client in
                try await MigrationRunner(client: client, migrations: migrations, logger: logger, table: table).migrate()
            }
            print("\(service): \(report.applied.count) migration(s) applied, \(report.alreadyPresent.count) already present")
            return 0
        } catch {
            FileHandle.standardError.write(Data("\(service) migrate: \(error)\n".utf8))
            return 1
        }
    }
}
