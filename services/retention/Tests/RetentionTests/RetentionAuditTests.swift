import Foundation
import GameMetricsAudit
import GameMetricsKit
import GameMetricsTesting
import PostgresNIO
import Testing

@testable import Retention

@Suite("Retention's audit trail")
struct RetentionAuditTests {
    @Test(
        "archival, expiry, partition drops, restores, deletions and policy changes each leave a chained record; a changed row or a deleted digest fails `retention audit-verify`"
    )
    func everyActionIsRecordedAndTamperingIsDetected() async throws {
        try await RetentionFixture.run { fixture in
            let day = ArchiveDay(Date()).adding(days: -11)
            try await fixture.generate(tenantID: "alpha", day: day, count: 120)
            try await fixture.generate(tenantID: "beta", day: day, count: 30)
            try await fixture.setPolicy("alpha", hotDays: 5, archiveDays: 365)
            try await fixture.setPolicy("beta", hotDays: 5, archiveDays: 0)
            _ = try await fixture.withParts(partRows: 50) { try await $0.pass(metrics: RetentionMetrics()).run() }
            let restore = try await fixture.withParts { try await $0.restorer.restore(tenantID: "alpha", day: day, requestedBy: "operator-7") }

            let records = try await fixture.withOwner { owner in
                var records: [(String, String, String, String)] = []
                for try await row in try await owner.query(
                    "SELECT action, tenant_id, subject, actor FROM retention_audit_log ORDER BY seq", logger: fixture.logger
                ).decode((String, String, String, String).self) {
                    records.append(row)
                }
                return records
            }
            #expect(records.filter { $0.0 == "retention.policy_changed" }.map(\.1) == ["alpha", "beta"])
            #expect(records.filter { $0.0 == "retention.archived" }.map(\.2) == (1...3).map { "alpha/\(day.path)/events-000\($0).ndjson.gz" })
            #expect(records.filter { $0.0 == "retention.expired" }.map(\.1) == ["beta"])
            #expect(records.filter { $0.0 == "retention.partition_dropped" }.map(\.2) == ["events_raw_p" + day.description.filter { $0 != "-" }])
            #expect(records.contains { $0 == ("retention.restored", "alpha", restore.restoreID.uuidString.lowercased(), "operator-7") })
            // Records name objects, days and restores, never a player.
            #expect(!records.contains { $0.2.contains("player-") })

            let retention = try TestServers.value("GM_TEST_RETENTION_BIN")
            func verify() async throws -> (status: Int32, output: String) {
                try await ChildProcess.run(retention, ["audit-verify"], environment: try fixture.environment())
            }
            // Nothing anchored yet: the rows verify, but truncation cannot be ruled out.
            #expect(try await verify().status == 1)
            let anchoring = try await fixture.withParts { parts in
                let store = try AuditAnchorStore(environment: EnvironmentReader(try fixture.environment()), chain: .retention)
                return try await AuditAnchorService(
                    chain: .retention, postgres: parts.postgres, keys: AuditKeyring(current: parts.audit.key), store: store, logger: fixture.logger
                ).anchorOnce()
            }
            #expect(anchoring == .anchored(seq: Int64(records.count)))
            let intact = try await verify()
            #expect(intact.status == 0, "\(intact.output)")

            // A superuser past the append-only trigger.
            try await fixture.runAsSuperuser(["SET session_replication_role = replica", "UPDATE retention_audit_log SET actor = 'mallory' WHERE seq = 3"])
            let changed = try await verify()
            #expect(changed.status == 1)
            #expect(changed.output.contains("seq 3"), "\(changed.output)")
            try await fixture.runAsSuperuser(["SET session_replication_role = replica", "UPDATE retention_audit_log SET actor = '\(records[2].3)' WHERE seq = 3"])
            #expect(try await verify().status == 0)

            let digests = try await fixture.anchorS3.listObjects(bucket: fixture.anchorBucket, prefix: "retention-audit/digests/")
            let digest = try #require(digests.first)
            try await fixture.anchorS3.deleteObject(bucket: fixture.anchorBucket, key: digest.key)
            let missing = try await verify()
            #expect(missing.status == 1)
            #expect(missing.output.contains("digest"), "\(missing.output)")
        }
    }
}
