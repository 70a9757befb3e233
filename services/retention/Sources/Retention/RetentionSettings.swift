import Foundation
import GameMetricsErasure
import GameMetricsKit

/// The retention service's own configuration, which its one-shot commands share (the shared HTTP, PostgreSQL, S3 and Kafka variables
/// are read by `ServiceConfiguration` and `PlatformClients`). Every variable is in the README.
struct RetentionSettings: Sendable {
    /// `GM_RETENTION_SCHEDULE`: when a pass runs, a five-field cron expression in UTC.
    var schedule: CronSchedule
    /// `GM_RETENTION_DEFAULT_HOT_DAYS` / `GM_RETENTION_DEFAULT_ARCHIVE_DAYS`: the policy of a
    /// tenant that has not set one.
    var defaultPolicy: RetentionPolicy
    /// `GM_RETENTION_MAX_ARCHIVE_DAYS`: the longest archive window a tenant may set (and the
    /// default may have): no longer than the archive bucket keeps objects by its own lifecycle.
    var maxArchiveDays: Int
    /// `GM_RETENTION_PART_ROWS`: rows per archive object (one transaction each).
    var partRows: Int
    /// `GM_RETENTION_MINUTE_GRAIN_DAYS`: how long the per-minute aggregates are kept (the same
    /// value as analytics-api's `GM_ANALYTICS_MINUTE_GRAIN_DAYS`).
    var minuteGrainDays: Int
    /// `GM_RETENTION_RESTORE_DAYS`: how long a restore table is kept before it is purged.
    var restoreDays: Int
    /// `GM_RETENTION_ERASURE_TOPIC` / `_GROUP`.
    var erasureTopic: String
    var erasureGroup: String

    /// What it does with Kafka: only the erasure participant's consumer and producer.
    var kafkaAccess: KafkaAccess { ErasureParticipant.kafkaAccess(topic: erasureTopic, groupID: erasureGroup) }

    init(environment: EnvironmentReader) throws {
        let expression = environment.string("GM_RETENTION_SCHEDULE", default: "17 3 * * *")
        do {
            schedule = try CronSchedule(expression)
        } catch {
            throw ConfigurationError(variable: "GM_RETENTION_SCHEDULE", problem: "is not a cron expression: \(error)")
        }
        maxArchiveDays = try environment.int("GM_RETENTION_MAX_ARCHIVE_DAYS", default: RetentionPolicy.archiveDaysRange.upperBound, in: RetentionPolicy.archiveDaysRange)
        defaultPolicy = RetentionPolicy(
            hotDays: try environment.int("GM_RETENTION_DEFAULT_HOT_DAYS", default: 30, in: RetentionPolicy.hotDaysRange),
            archiveDays: try environment.int("GM_RETENTION_DEFAULT_ARCHIVE_DAYS", default: min(2555, maxArchiveDays), in: 0...maxArchiveDays))
        partRows = try environment.int("GM_RETENTION_PART_ROWS", default: 100_000, in: 1...1_000_000)
        minuteGrainDays = try environment.int("GM_RETENTION_MINUTE_GRAIN_DAYS", default: 30, in: 1...3650)
        restoreDays = try environment.int("GM_RETENTION_RESTORE_DAYS", default: 7, in: 1...90)
        erasureTopic = environment.string("GM_RETENTION_ERASURE_TOPIC", default: ErasureMessage.topic)
        erasureGroup = environment.string("GM_RETENTION_ERASURE_GROUP", default: "retention-erasure")
    }
}
