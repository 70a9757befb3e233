import GameMetricsAudit
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
    let audit: RetentionAudit
    let logger: Logger

    init(
        postgres: PostgresClient, bucket: ArchiveBucket, subjects: ErasedSubjects, auditKey: AuditChainKey, settings: RetentionSettings, logger: Logger
    ) {
        let audit = RetentionAudit(key: auditKey, logger: logger)
        self.postgres = postgres
        self.audit = audit
        catalogue = ArchiveCatalogue(bucket: bucket, logger: logger)
        policies = PolicyStore(postgres: postgres, defaults: settings.defaultPolicy, audit: audit, logger: logger)
        archiver = DayArchiver(postgres: postgres, catalogue: catalogue, subjects: subjects, audit: audit, partRows: settings.partRows, logger: logger)
        restorer = Restorer(postgres: postgres, catalogue: catalogue, subjects: subjects, audit: audit, keepDays: settings.restoreDays, logger: logger)
        eraser = ArchiveEraser(catalogue: catalogue, subjects: subjects, audit: audit, logger: logger)
        aggregates = AggregatePruner(postgres: postgres, minuteGrainDays: settings.minuteGrainDays, logger: logger)
        self.logger = logger
    }

    func pass(metrics: RetentionMetrics) -> RetentionPass {
        RetentionPass(postgres: postgres, archiver: archiver, catalogue: catalogue, policies: policies, aggregates: aggregates, audit: audit, metrics: metrics, logger: logger)
    }
}
