import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres

@main
struct NotificationServiceApp {
    static func main() async {
        if CommandLine.arguments.dropFirst().first == "migrate" {
            exit(
                await MigrateCommand.run(
                    service: "notification", migrations: NotificationMigrations.all, table: NotificationMigrations.table, environment: EnvironmentReader()))
        }
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}
