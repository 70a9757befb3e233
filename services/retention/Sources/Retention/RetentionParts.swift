import GameMetricsPostgres
import Logging
import PostgresNIO

/// The pieces of retention over one PostgreSQL client and one archive bucket, as the service
/// and its one-shot commands (`run`, `restore`) assemble them alike.
struct RetentionParts: Sendable {
    let postgres: PostgresClient
    let catalogue: ArchiveCatalogue
    let policies: PolicyStore
    let archiver: DayArchiver
    let restorer: Restorer
    let eraser: ArchiveEraser
    let aggregates: AggregatePruner
    let logger: Logger

    init(postgres: PostgresClient, bucket: ArchiveBucket, subjects: ErasedSubjects, settings: RetentionSettings, logger: Logger) {
        self.postgres = postgres
        catalogue = ArchiveCatalogue(bucket: bucket, logger: logger)
        policies = PolicyStore(postgres: postgres, defaults: settings.defaultPolicy, logger: logger)
        archiver = DayArchiver(postgres: postgres, catalogue: catalogue, subjects: subjects, partRows: settings.partRows, logger: logger)
        restorer = Restorer(postgres: postgres, catalogue: catalogue, subjects: subjects, keepDays: settings.restoreDays, logger: logger)
        eraser = ArchiveEraser(catalogue: catalogue, logger: logger)
        aggregates = AggregatePruner(postgres: postgres, minuteGrainDays: settings.minuteGrainDays, logger: logger)
        self.logger = logger
    }

    func pass(metrics: RetentionMetrics) -> RetentionPass {
        RetentionPass(postgres: postgres, archiver: archiver, catalogue: catalogue, policies: policies, aggregates: aggregates, metrics: metrics, logger: logger)
    }
}
