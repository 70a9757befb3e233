import Foundation
import GameMetricsTesting
import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import Retention

/// `retention run` as a process of its own, killed with SIGKILL at a chosen step of a part and
/// run again: afterwards every generated row is in exactly one place, PostgreSQL or one object.
@Suite("archival after a crash")
struct CrashSafetyTests {
    static let rows = 300

    @Test("SIGKILL while an upload is stored but not yet answered, then a rerun: every row in exactly one place")
    func killedDuringAnUpload() async throws {
        try await RetentionFixture.run { fixture in
            let (day, generated) = try await Self.prepare(fixture)
            let stored = Mutex(false)
            let released = Mutex(false)
            let proxy = CountingProxy(
                target: try TestServers.value("GM_TEST_S3_ENDPOINT"), counting: { method, path in method == .put && path.contains("/events-") }, preservesHost: true,
                afterCounted: {
                    // S3 has stored the object; its answer waits here until the client is dead.
                    stored.withLock { $0 = true }
                    for _ in 0..<600 where !released.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
                })
            try await proxy.run { s3 in
                let process = try ServiceProcess.start(
                    try TestServers.value("GM_TEST_RETENTION_BIN"), arguments: ["run"],
                    environment: try fixture.environment(["GM_RETENTION_PART_ROWS": "100"], s3Endpoint: s3))
                defer { process.kill() }
                try await eventually(.seconds(60)) { stored.withLock { $0 } }
                process.kill()
                released.withLock { $0 = true }
            }
            try await Self.waitForRetentionBackends(fixture)
            // Nothing committed: the rows are all still in PostgreSQL, the uploaded object is listed nowhere.
            #expect(try await fixture.count("SELECT count(*)::int FROM events_raw") == Self.rows)
            #expect(try await fixture.count("SELECT count(*)::int FROM archive_objects") == 0)
            #expect(try await fixture.archivedLines(tenantID: "alpha").count == 1)
            try await Self.rerunAndExpectEveryRowOnce(fixture, day: day, expected: generated)
        }
    }

    @Test("SIGKILL while the archived rows are being deleted, then a rerun: every row in exactly one place")
    func killedDuringTheDelete() async throws {
        try await RetentionFixture.run { fixture in
            let (day, generated) = try await Self.prepare(fixture)
            try await fixture.withOwner { owner in
                try await owner.withTransactionEndingWithConnection(logger: fixture.logger) { holder in
                    // The part's DELETE waits behind this lock, its object uploaded and verified.
                    _ = try await holder.answeredStatement("LOCK TABLE events_raw IN SHARE MODE", logger: fixture.logger)
                    let process = try ServiceProcess.start(
                        try TestServers.value("GM_TEST_RETENTION_BIN"), arguments: ["run"],
                        environment: try fixture.environment(["GM_RETENTION_PART_ROWS": "100"]))
                    defer { process.kill() }
                    // Only the part's DELETE wants a lock that conflicts with SHARE on events_raw.
                    try await eventually(.seconds(60)) {
                        try await fixture.count(
                            "SELECT count(*)::int FROM pg_locks WHERE NOT granted AND relation = 'events_raw'::regclass AND mode = 'RowExclusiveLock'") == 1
                    }
                    process.kill()
                }
            }
            try await Self.waitForRetentionBackends(fixture)
            #expect(try await fixture.count("SELECT count(*)::int FROM events_raw") == Self.rows)
            #expect(try await fixture.count("SELECT count(*)::int FROM archive_objects") == 0)
            #expect(try await fixture.archivedLines(tenantID: "alpha").count == 1)
            try await Self.rerunAndExpectEveryRowOnce(fixture, day: day, expected: generated)
        }
    }

    /// The day's rows, generated, as archive lines.
    private static func prepare(_ fixture: RetentionFixture) async throws -> (day: ArchiveDay, lines: Set<String>) {
        let day = ArchiveDay(Date()).adding(days: -11)
        try await fixture.generate(tenantID: "alpha", day: day, count: rows)
        try await fixture.setPolicy("alpha", hotDays: 5, archiveDays: 365)
        return (day, Set(try await fixture.rows("events_raw", tenantID: "alpha", day: day)))
    }

    /// The killed process's backends are gone: ended by the superuser, as PostgreSQL would once it
    /// noticed the closed sockets.
    private static func waitForRetentionBackends(_ fixture: RetentionFixture) async throws {
        let inThisDatabase = "usename = 'gm_retention' AND datname = current_database()"
        _ = try await fixture.countAsSuperuser(
            "SELECT count(*)::int FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE \(inThisDatabase)) AS ended")
        try await eventually(.seconds(30)) {
            try await fixture.countAsSuperuser("SELECT count(*)::int FROM pg_stat_activity WHERE \(inThisDatabase)") == 0
        }
    }

    private static func rerunAndExpectEveryRowOnce(_ fixture: RetentionFixture, day: ArchiveDay, expected: Set<String>) async throws {
        let rerun = try await ChildProcess.run(
            try TestServers.value("GM_TEST_RETENTION_BIN"), ["run"], environment: try fixture.environment(["GM_RETENTION_PART_ROWS": "100"]))
        try #require(rerun.status == 0, "retention run: \(rerun.output)")
        #expect(try await fixture.count("SELECT count(*)::int FROM events_raw") == 0)
        let objects = try await fixture.archivedLines(tenantID: "alpha")
        let lines = objects.values.flatMap { $0 }
        #expect(lines.count == rows)
        #expect(Set(lines) == expected)
        let manifest = try await fixture.manifest(tenantID: "alpha", day: day)
        #expect(Set(manifest.objects.map(\.key)) == Set(objects.keys))
        #expect(manifest.rows == rows)
    }
}
