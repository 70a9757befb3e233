import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO
import ServiceLifecycle

/// One pass of the retention policy over every tenant: archive (or, past the whole policy,
/// delete) the raw events that left their hot window, delete archived days past their archive
/// window, drop the daily partitions no tenant has rows in any more, purge expired restores.
/// One tenant's failure is recorded and the pass goes on with the others.
struct RetentionPass: Sendable {
    /// events_raw_pYYYYMMDD partitions of this age or younger may still receive events
    /// (ingestion accepts events up to 7 days old; the processor keeps 8 days of partitions):
    /// `drop_events_raw_partition` refuses them, and the pass does not ask.
    static let youngestDroppableAge = 9

    struct Report: Codable, Sendable, Equatable {
        var rowsArchived = 0
        var bytesArchived = 0
        var objectsWritten = 0
        var rowsExpired = 0
        var erasedRowsDropped = 0
        var archivedDaysDeleted = 0
        var partitionsDropped: [String] = []
        var restoresPurged = 0
        /// Aggregate rows deleted, by grain (`minute`, `hour_and_day`).
        var aggregateRowsDeleted: [String: Int] = [:]
        var failedTenants: [String: String] = [:]
        /// SIGTERM stopped the pass before it went through every tenant: nobody's status is
        /// recorded as a success and the pass is not counted as one.
        var interrupted = false

        enum CodingKeys: String, CodingKey {
            case rowsArchived = "rows_archived"
            case bytesArchived = "bytes_archived"
            case objectsWritten = "objects_written"
            case rowsExpired = "rows_expired"
            case erasedRowsDropped = "erased_rows_dropped"
            case archivedDaysDeleted = "archived_days_deleted"
            case partitionsDropped = "partitions_dropped"
            case restoresPurged = "restores_purged"
            case aggregateRowsDeleted = "aggregate_rows_deleted"
            case failedTenants = "failed_tenants"
            case interrupted
        }
    }

    let postgres: PostgresClient
    let archiver: DayArchiver
    let catalogue: ArchiveCatalogue
    let policies: PolicyStore
    let aggregates: AggregatePruner
    let audit: RetentionAudit
    let metrics: RetentionMetrics
    let logger: Logger

    func run(now: Date = Date()) async throws -> Report {
        let today = ArchiveDay(now)
        let own = try await policies.all()
        func policy(_ tenantID: String) -> RetentionPolicy { own[tenantID] ?? policies.defaults }
        let shortestHot = (own.values.map(\.hotDays) + [policies.defaults.hotDays]).min() ?? policies.defaults.hotDays
        var report = Report()
        var lag: [String: Int] = [:]
        var tenants = Set(own.keys)

        for (tenantID, days) in try await hotDaysPast(today.adding(days: -shortestHot)) {
            tenants.insert(tenantID)
            let policy = policy(tenantID)
            for day in days.sorted() where !policy.isHot(day, today: today) {
                // A pass stopped by SIGTERM leaves the rest to the next one; each part is atomic.
                if Task.isShuttingDownGracefully {
                    report.interrupted = true
                    break
                }
                if report.failedTenants[tenantID] != nil {
                    lag[tenantID] = max(lag[tenantID] ?? 0, today.adding(days: -policy.hotDays).ordinal - day.ordinal)
                    continue
                }
                do {
                    if policy.archiveDays == 0 || !policy.isKept(day, today: today) {
                        let deleted = try await archiver.expire(tenantID: tenantID, day: day)
                        report.rowsExpired += deleted
                        metrics.expired(tenantID: tenantID, rows: deleted)
                    } else {
                        let outcome = try await archiver.archive(tenantID: tenantID, day: day)
                        report.rowsArchived += outcome.rows
                        report.bytesArchived += outcome.bytes
                        report.objectsWritten += outcome.parts
                        report.erasedRowsDropped += outcome.erasedRows
                        metrics.archived(tenantID: tenantID, rows: outcome.rows, bytes: outcome.bytes)
                    }
                } catch {
                    report.failedTenants[tenantID] = "\(day): \(String(reflecting: error))"
                    lag[tenantID] = max(lag[tenantID] ?? 0, today.adding(days: -policy.hotDays).ordinal - day.ordinal)
                    logger.error(
                        "retention of a tenant's day failed; the tenant's other days wait for the next pass",
                        metadata: ["tenant": "\(tenantID)", "day": "\(day)", "error": "\(String(reflecting: error))"])
                }
            }
        }

        for (tenantID, day) in try await archivedDays() where !policy(tenantID).isKept(day, today: today) && report.failedTenants[tenantID] == nil {
            tenants.insert(tenantID)
            do {
                let objects = try await deleteArchivedDay(tenantID: tenantID, day: day)
                report.archivedDaysDeleted += 1
                metrics.archiveDeleted(tenantID: tenantID, objects: objects)
            } catch {
                report.failedTenants[tenantID] = "deleting the archive of \(day): \(String(reflecting: error))"
                logger.error("deleting an expired archived day failed", metadata: ["tenant": "\(tenantID)", "day": "\(day)", "error": "\(error)"])
            }
        }

        if report.interrupted || Task.isShuttingDownGracefully {
            report.interrupted = true
            return report
        }
        report.partitionsDropped = try await dropEmptyPartitions(today: today)
        report.restoresPurged = try await purgeExpiredRestores()
        report.aggregateRowsDeleted = try await aggregates.prune(today: today, policies: own, defaults: policies.defaults)
        if report.aggregateRowsDeleted.values.contains(where: { $0 > 0 }) {
            try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
                try await audit.record(
                    .aggregatesPruned, tenantID: RetentionAudit.platformTenant, subject: "aggregates:\(today)",
                    payload: report.aggregateRowsDeleted.mapValues { .int($0) }, on: connection)
            }
        }
        try await recordStatus(tenants: tenants, failures: report.failedTenants, lag: lag)
        return report
    }

    /// Tenants and the days of their rows older than `cutoff` (the shortest hot window of all).
    private func hotDaysPast(_ cutoff: ArchiveDay) async throws -> [String: Set<ArchiveDay>] {
        var days: [String: Set<ArchiveDay>] = [:]
        let rows = try await postgres.query(
            """
            SELECT DISTINCT tenant_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
              FROM events_raw WHERE occurred_at < \(cutoff.start)
            """, logger: logger)
        for try await (tenantID, dayText) in rows.decode((String, String).self) {
            if let day = ArchiveDay(iso: dayText) { days[tenantID, default: []].insert(day) }
        }
        return days
    }

    private func archivedDays() async throws -> [(String, ArchiveDay)] {
        var days: [(String, ArchiveDay)] = []
        for try await (tenantID, dayText) in try await postgres.query(
            "SELECT DISTINCT tenant_id, day::text FROM archive_objects ORDER BY 1, 2", logger: logger
        ).decode((String, String).self) {
            if let day = ArchiveDay(iso: dayText) { days.append((tenantID, day)) }
        }
        return days
    }

    /// Deletes every object of the day, its manifest and its catalogue rows; returns the objects.
    private func deleteArchivedDay(tenantID: String, day: ArchiveDay) async throws -> Int {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            try await catalogue.lockTenant(tenantID, on: connection)
            let keys = try await catalogue.bucket.keys(tenantID: tenantID, day: day)
            for key in keys { try await catalogue.bucket.delete(key: key) }
            _ = try await connection.answeredStatement(
                "DELETE FROM archive_objects WHERE tenant_id = \(tenantID) AND day = \(day.description)::date", logger: logger)
            try await audit.record(
                .archiveDeleted, tenantID: tenantID, subject: ArchiveBucket.folder(tenantID: tenantID, day: day),
                payload: ["day": .string(day.description), "objects": .int(keys.count)], on: connection)
            logger.info("deleted an archived day past its policy", metadata: ["tenant": "\(tenantID)", "day": "\(day)", "objects": "\(keys.count)"])
            return keys.count
        }
    }

    /// Drops the daily partitions old enough never to receive rows again that hold none now.
    private func dropEmptyPartitions(today: ArchiveDay) async throws -> [String] {
        var candidates: [ArchiveDay] = []
        for try await name in try await postgres.query(
            """
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'public.events_raw'::regclass AND c.relname ~ '^events_raw_p[0-9]{8}$'
             ORDER BY 1
            """, logger: logger
        ).decode(String.self) {
            let digits = Array(name.dropFirst("events_raw_p".count))
            let iso = "\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))"
            if let day = ArchiveDay(iso: iso), day <= today.adding(days: -Self.youngestDroppableAge) { candidates.append(day) }
        }
        var dropped: [String] = []
        for day in candidates {
            var empty = false
            for try await isEmpty in try await postgres.query(
                "SELECT NOT EXISTS (SELECT 1 FROM events_raw WHERE occurred_at >= \(day.start) AND occurred_at < \(day.end))", logger: logger
            ).decode(Bool.self) {
                empty = isEmpty
            }
            guard empty else { continue }
            let wasDropped = try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
                let rows = try await connection.answeredStatement("SELECT drop_events_raw_partition(\(day.description)::date)", logger: logger)
                guard try rows.first?.decode(Bool.self) == true else { return false }
                try await audit.record(
                    .partitionDropped, tenantID: RetentionAudit.platformTenant, subject: "events_raw_p" + day.description.filter { $0 != "-" },
                    payload: ["day": .string(day.description)], on: connection)
                return true
            }
            if wasDropped {
                dropped.append(day.description)
                metrics.partitionDropped()
                logger.info("dropped an empty events_raw partition", metadata: ["day": "\(day)"])
            }
        }
        return dropped
    }

    private func purgeExpiredRestores() async throws -> Int {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            let rows = try await connection.answeredStatement(
                "DELETE FROM restores WHERE expires_at < now() RETURNING restore_id, tenant_id, day::text", logger: logger)
            for row in rows {
                let (restoreID, tenantID, day) = try row.decode((UUID, String, String).self)
                try await audit.record(
                    .restoreDeleted, tenantID: tenantID, subject: restoreID.uuidString.lowercased(),
                    payload: ["day": .string(day), "reason": .string("expired")], on: connection)
            }
            return rows.count
        }
    }

    /// Every tenant the pass went through, and every tenant already on record (one with nothing
    /// to do succeeded too: an idle tenant must not look like a failing one), gets its result.
    private func recordStatus(tenants: Set<String>, failures: [String: String], lag: [String: Int]) async throws {
        var known = tenants
        for try await tenantID in try await postgres.query("SELECT tenant_id FROM retention_tenant_status", logger: logger).decode(String.self) {
            known.insert(tenantID)
        }
        for tenantID in known.sorted() {
            if let error = failures[tenantID] {
                _ = try await postgres.query(
                    """
                    INSERT INTO retention_tenant_status (tenant_id, last_failure_at, last_error, lag_days)
                    VALUES (\(tenantID), now(), \(error), \(lag[tenantID] ?? 0))
                    ON CONFLICT (tenant_id) DO UPDATE SET last_failure_at = now(), last_error = excluded.last_error, lag_days = excluded.lag_days
                    """, logger: logger)
            } else {
                _ = try await postgres.query(
                    """
                    INSERT INTO retention_tenant_status (tenant_id, last_success_at, lag_days) VALUES (\(tenantID), now(), 0)
                    ON CONFLICT (tenant_id) DO UPDATE SET last_success_at = now(), lag_days = 0
                    """, logger: logger)
            }
        }
    }
}
