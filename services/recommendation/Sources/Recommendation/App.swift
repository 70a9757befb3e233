import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres

@main
struct RecommendationApp {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "migrate" {
            exit(
                await MigrateCommand.run(
                    service: "recommendation", migrations: RecommendationMigrations.all, table: RecommendationMigrations.table, environment: EnvironmentReader()))
        }
        if arguments.first == "train" {
            exit(await TrainCommand.run(Array(arguments.dropFirst()), environment: EnvironmentReader()))
        }
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}
