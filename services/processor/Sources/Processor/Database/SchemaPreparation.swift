import GameMetricsPostgres
import GameMetricsService
import Logging
import PostgresNIO
import ServiceLifecycle

/// Brings the database to the processor's schema: migrations, then the daily partitions.
/// Consumers call `prepare()` before their first write (it is idempotent and safe to run from
/// several processes); `run()` keeps the partitions ahead of the calendar and forgets event ids
/// beyond the dedupe window, hourly.
struct SchemaPreparation: Service {
    let migrations: MigrationRunner
    let partitions: DailyPartitions
    let eventIDs: EventIDWindow

    func prepare() async throws {
        _ = try await migrations.migrate()
        try await partitions.ensure()
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: .seconds(3600))
                do {
                    try await self.prepare()
                    try await self.eventIDs.prune()
                } catch {
                    self.partitions.logger.warning(
                        "daily partitions and event ids not maintained; next try in an hour",
                        metadata: [
                            "error": "\(String(reflecting: error))"
                        ])
                }
            }
        }
    }
}
