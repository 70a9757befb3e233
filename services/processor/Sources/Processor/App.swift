import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService

@main
struct ProcessorApp {
    static func main() async {
        if CommandLine.arguments.dropFirst().first == "migrate" {
            exit(
                await MigrateCommand.run(
                    service: "processor", migrations: ProcessorMigrations.all, table: ProcessorMigrations.table, environment: EnvironmentReader()))
        }
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}
