import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService

@main
struct UserServiceApp {
    static func main() async {
        if CommandLine.arguments.dropFirst().first == "migrate" {
            exit(
                await MigrateCommand.run(
                    service: "user", migrations: UserMigrations.all, table: UserMigrations.table, environment: EnvironmentReader()))
        }
        if CommandLine.arguments.dropFirst().first == "audit-verify" {
            exit(await AuditVerifyCommand.run(environment: EnvironmentReader()))
        }
        if CommandLine.arguments.dropFirst().first == "seed-demo" {
            do {
                print(try await DemoSeed.run(environment: EnvironmentReader()))
            } catch {
                FileHandle.standardError.write(Data("seed-demo failed: \(error)\n".utf8))
                exit(1)
            }
            return
        }
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}
