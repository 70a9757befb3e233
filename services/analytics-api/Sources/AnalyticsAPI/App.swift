import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres
import GraphQL

@main
struct AnalyticsAPIApp {
    static func main() async {
        if CommandLine.arguments.dropFirst().first == "print-schema" {
            do {
                print(printSchema(schema: try AnalyticsSchema.make().schema))
                exit(0)
            } catch {
                FileHandle.standardError.write(Data("analytics-api print-schema: \(error)\n".utf8))
                exit(1)
            }
        }
        if CommandLine.arguments.dropFirst().first == "migrate" {
            exit(
                await MigrateCommand.run(
                    service: "analytics-api", migrations: AnalyticsMigrations.all, table: AnalyticsMigrations.table, environment: EnvironmentReader()))
        }
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}
