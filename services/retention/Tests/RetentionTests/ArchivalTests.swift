import Foundation
import GameMetricsPostgres
import GameMetricsTesting
import Testing

@testable import Retention

@Suite("archival to S3")
struct ArchivalTests {
    @Test(
        "archives a tenant's days past its hot window with counts and checksums that verify, leaves PostgreSQL without them, keeps the dedupe keys, and a restore reproduces the rows exactly"
    )
    func archivesAndRestoresExactly() async throws {
        try await RetentionFixture.run { fixture in
            let today = ArchiveDay(Date())
            let days = [-12, -11, -10].map { today.adding(days: $0) }
            for (index, day) in days.enumerated() { try await fixture.generate(tenantID: "alpha", day: day, count: 400, seed: index) }
            try await fixture.generate(tenantID: "beta", day: days[1], count: 100)
            try await fixture.setPolicy("alpha", hotDays: 5, archiveDays: 365)
            let before = try await fixture.rows("events_raw", tenantID: "alpha", day: days[1])
            let dedupeKeys = try await fixture.count("SELECT count(*)::int FROM event_ids")

            let report = try await fixture.withParts(partRows: 150) { try await $0.pass(metrics: RetentionMetrics()).run() }

            #expect(report.rowsArchived == 1_200)
            #expect(report.objectsWritten == 9)
            #expect(report.failedTenants.isEmpty)
            #expect(try await fixture.count("SELECT count(*)::int FROM events_raw WHERE tenant_id = 'alpha'") == 0)
            // beta keeps the default 30 hot days: its rows, and so day -11's partition, stay.
            #expect(try await fixture.count("SELECT count(*)::int FROM events_raw WHERE tenant_id = 'beta'") == 100)
            #expect(report.partitionsDropped == [days[0].description, days[2].description])
            #expect(try await fixture.count("SELECT count(*)::int FROM event_ids") == dedupeKeys)

            let objects = try await fixture.archivedLines(tenantID: "alpha")
            for day in days {
                let manifest = try await fixture.manifest(tenantID: "alpha", day: day)
                #expect(manifest.rows == 400)
                #expect(manifest.objects.map(\.rows) == [150, 150, 100])
                for part in manifest.objects {
                    let body = try await fixture.s3.getObject(bucket: fixture.bucketName, key: part.key)
                    #expect(ArchiveObject.sha256(body) == part.sha256)
                    #expect(body.count == part.bytes)
                    #expect(objects[part.key]?.count == part.rows)
                }
            }
            let allLines = objects.values.flatMap { $0 }
            #expect(allLines.count == 1_200)
            #expect(Set(allLines.compactMap(ArchiveObject.playerID)).count == 40)

            let restore = try await fixture.withParts { try await $0.restorer.restore(tenantID: "alpha", day: days[1], requestedBy: "test") }
            #expect(restore.rows == 400)
            #expect(restore.objects == 3)
            #expect(try await fixture.rows("restored_events", tenantID: "alpha", day: days[1], restoreID: restore.restoreID) == before)

            // The command does the same from a shell, and says what is wrong with its arguments.
            let retention = try TestServers.value("GM_TEST_RETENTION_BIN")
            let command = try await ChildProcess.capture(
                retention, ["restore", "alpha", days[1].description], in: FileManager.default.temporaryDirectory, environment: try fixture.environment())
            #expect(command.status == 0, "\(command.standardError)")
            let printed = try JSONSerialization.jsonObject(with: command.standardOutput) as? [String: Any]
            #expect(printed?["rows"] as? Int == 400)
            let restoreID = try #require(printed?["restore_id"] as? String)
            #expect(
                try await fixture.rows("restored_events", tenantID: "alpha", day: days[1], restoreID: try #require(UUID(uuidString: restoreID))) == before)
            #expect(try await ChildProcess.run(retention, ["restore", "alpha", "2026-02-30"], environment: try fixture.environment()).status == 2)
            #expect(try await ChildProcess.run(retention, ["restore", "alpha", days[1].adding(days: -5).description], environment: try fixture.environment()).status == 1)
        }
    }

    @Test("deletes the rows of a tenant whose policy keeps no archive, drops a day's partition once no tenant has rows in it, and puts late arrivals in a late object")
    func expiresDropsPartitionsAndKeepsLateArrivals() async throws {
        try await RetentionFixture.run { fixture in
            let today = ArchiveDay(Date())
            let day = today.adding(days: -11)
            try await fixture.generate(tenantID: "alpha", day: day, count: 300)
            try await fixture.generate(tenantID: "beta", day: day, count: 200)
            try await fixture.setPolicy("alpha", hotDays: 5, archiveDays: 365)
            try await fixture.setPolicy("beta", hotDays: 5, archiveDays: 0)

            // A tenant on record with nothing to do this time: the pass succeeded for it too.
            try await fixture.withOwner { owner in
                try await owner.query(
                    "INSERT INTO retention_tenant_status (tenant_id, last_success_at, lag_days) VALUES ('idle', now() - interval '3 days', 0)",
                    logger: fixture.logger)
            }
            let first = try await fixture.withParts { try await $0.pass(metrics: RetentionMetrics()).run() }
            #expect(try await fixture.count("SELECT count(*)::int FROM retention_tenant_status WHERE last_success_at > now() - interval '1 hour'") == 3)
            #expect(first.rowsArchived == 300)
            #expect(first.rowsExpired == 200)
            #expect(first.partitionsDropped == [day.description])
            #expect(try await fixture.count("SELECT count(*)::int FROM events_raw") == 0)
            #expect(try await fixture.archivedLines(tenantID: "beta").isEmpty)

            // Late arrivals for the archived day: the next pass archives them apart.
            try await fixture.generate(tenantID: "alpha", day: day, count: 7, seed: 9)
            let second = try await fixture.withParts { try await $0.pass(metrics: RetentionMetrics()).run() }
            #expect(second.rowsArchived == 7)
            let manifest = try await fixture.manifest(tenantID: "alpha", day: day)
            #expect(manifest.rows == 307)
            #expect(manifest.objects.map(\.kind) == [.events, .late])
            #expect(manifest.objects.last?.key.hasSuffix("/late-0002.ndjson.gz") == true)

            // Past the whole policy (5 + 365 days) the archived day goes too.
            try await fixture.setPolicy("alpha", hotDays: 1, archiveDays: 2)
            let third = try await fixture.withParts { try await $0.pass(metrics: RetentionMetrics()).run() }
            #expect(third.archivedDaysDeleted == 1)
            #expect(try await fixture.s3.listObjects(bucket: fixture.bucketName, prefix: "alpha/").isEmpty)
            #expect(try await fixture.count("SELECT count(*)::int FROM archive_objects") == 0)
        }
    }

    @Test("a pass leaves out the rows of a player erased before it, deleting them all the same")
    func leavesOutErasedPlayers() async throws {
        try await RetentionFixture.run { fixture in
            let day = ArchiveDay(Date()).adding(days: -11)
            try await fixture.generate(tenantID: "alpha", day: day, count: 200, players: 10)
            try await fixture.setPolicy("alpha", hotDays: 5, archiveDays: 365)
            try await fixture.withParts { parts in
                let subjects = try ErasedSubjects(key: Array(RetentionFixture.subjectKey))
                try await parts.postgres.withTransactionEndingWithConnection(logger: fixture.logger) { connection in
                    try await subjects.record(tenantID: "alpha", playerID: "player-3", on: connection, logger: fixture.logger)
                }
            }
            let report = try await fixture.withParts { try await $0.pass(metrics: RetentionMetrics()).run() }
            #expect(report.erasedRowsDropped == 20)
            #expect(report.rowsArchived == 180)
            #expect(try await fixture.count("SELECT count(*)::int FROM events_raw") == 0)
            let players = Set(try await fixture.archivedLines(tenantID: "alpha").values.flatMap { $0 }.compactMap(ArchiveObject.playerID))
            #expect(!players.contains("player-3"))
            #expect(players.count == 9)
        }
    }
}
