import Foundation
import GameMetricsAudit
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres

@main
struct RetentionApp {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "migrate" {
            exit(await MigrateCommand.run(service: "retention", migrations: RetentionMigrations.all, table: RetentionMigrations.table, environment: EnvironmentReader()))
        }
        if arguments.first == "audit-verify" {
            exit(
                await AuditChainVerifyCommand.run(
                    chain: .retention, environment: EnvironmentReader(), title: "retention audit log", logLabel: "retention.audit-verify"))
        }
        if let command = arguments.first, RetentionCommand.names.contains(command) {
            exit(await RetentionCommand.run(arguments, environment: EnvironmentReader()))
        }
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}
