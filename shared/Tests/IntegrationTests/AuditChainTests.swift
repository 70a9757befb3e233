import Foundation
import GameMetricsAudit
import GameMetricsKit
import GameMetricsTesting
import PostgresNIO
import S3
import Testing

/// GameMetricsAudit on a chain of its own (made with the migration helper, as the retention
/// service's is): append-only in the database, anchored with a head and daily digests in S3, and
/// verified against both.
@Suite("audit chains: append-only tables, a head and chained daily digests in S3, verified against all of it")
struct AuditChainTests {
    @Test("the migration helper's table refuses UPDATE, DELETE and TRUNCATE, and its chain verifies")
    func migrationHelperTableIsAppendOnly() async throws {
        try await AuditChainFixture.run { fixture in
            try await fixture.append(3)
            #expect(try await fixture.verifier.verify() == .intact(rows: 3, lastSeq: 3, lastHash: try await Self.hash(fixture, seq: 3)))
            for statement in [
                "UPDATE audit_test.chain_log SET actor = 'mallory'", "DELETE FROM audit_test.chain_log", "TRUNCATE audit_test.chain_log",
            ] {
                await #expect(throws: PSQLError.self, "\(statement)") {
                    try await fixture.client.query(PostgresQuery(unsafeSQL: statement), logger: fixture.logger)
                }
            }
            #expect(try await fixture.seqs() == [1, 2, 3])
        }
    }

    @Test("each anchoring writes the day's digest, chained to the previous day's by key and SHA-256, and the head names the latest")
    func digestsAreWrittenPerDayAndChained() async throws {
        try await AuditChainFixture.run { fixture in
            #expect(try await fixture.anchor(on: "2026-12-01") == .empty)
            #expect(try await fixture.digests().isEmpty)
            try await fixture.append(2)
            #expect(try await fixture.anchor(on: "2026-12-01") == .anchored(seq: 2))
            try await fixture.append(1)
            #expect(try await fixture.anchor(on: "2026-12-02") == .anchored(seq: 3))
            try await fixture.append(1)
            // A second round on the same day rewrites that day's digest with the newer head.
            #expect(try await fixture.anchor(on: "2026-12-02", minutes: 1) == .anchored(seq: 4))
            // A quiet day still gets its digest.
            #expect(try await fixture.anchor(on: "2026-12-03") == .anchored(seq: 4))

            let digests = try await fixture.digests()
            let keys = ["test-chain/digests/2026/12/01.json", "test-chain/digests/2026/12/02.json", "test-chain/digests/2026/12/03.json"]
            #expect(digests.keys.sorted() == keys)
            let (first, second, third) = (digests[keys[0]]!, digests[keys[1]]!, digests[keys[2]]!)
            #expect(first.digest?.day == "2026-12-01" && first.digest?.seq == 2 && first.digest?.previous == nil)
            #expect(second.digest?.seq == 4 && second.digest?.previous == first.reference)
            #expect(third.digest?.seq == 4 && third.digest?.previous == second.reference)
            #expect([first, second, third].allSatisfy { $0.digest?.isAuthentic(under: fixture.keys) == true })
            let anchor = try #require(try await fixture.store.latest())
            #expect(anchor.seq == 4 && anchor.digest == third.reference && anchor.isAuthentic(under: fixture.keys))

            let verification = try await fixture.verify()
            #expect(verification.problems == [])
            #expect(verification.digestsVerified == 3)
            #expect(try await fixture.command() == 0)
        }
    }

    @Test("a deleted digest is named by the digest that links to it, and the chain goes on being checked before it")
    func deletedDigestIsDetected() async throws {
        try await AuditChainFixture.run { fixture in
            try await Self.threeDays(fixture)
            let deleted = "test-chain/digests/2026/12/02.json"
            try await fixture.s3.deleteObject(bucket: fixture.bucket, key: deleted)

            let verification = try await fixture.verify()
            #expect(
                verification.problems == [
                    .digest(
                        location: fixture.store.location(of: deleted),
                        reason: "is missing: test-chain/digests/2026/12/03.json names it as its previous digest (it was deleted)")
                ])
            #expect(verification.digestsVerified == 2)
            #expect(try await fixture.command() == 1)
            // The anchoring does not paper over it: the head names day 3, which still links to day 2.
            #expect(try await fixture.anchor(on: "2026-12-04") == .anchored(seq: 3))
            #expect(try await fixture.verify().problems.count == 1)

            // The latest digest deleted: the head anchor names it.
            let latest = "test-chain/digests/2026/12/04.json"
            try await fixture.s3.deleteObject(bucket: fixture.bucket, key: latest)
            #expect(
                try await fixture.verify().problems.contains(
                    .digest(
                        location: fixture.store.location(of: latest),
                        reason: "is missing: the head anchor names it as the latest digest (it was deleted)")))
            guard case .mismatch = try await fixture.anchor(on: "2026-12-05") else {
                Issue.record("the anchoring moved on past a deleted digest")
                return
            }
        }
    }

    @Test("an altered digest is named: edited bytes fail its MAC, an authentic older version fails its SHA-256 link")
    func alteredDigestIsDetected() async throws {
        try await AuditChainFixture.run { fixture in
            try await fixture.append(1)
            try await fixture.anchor(on: "2026-12-01")
            try await fixture.append(1)
            try await fixture.anchor(on: "2026-12-02")
            let key = "test-chain/digests/2026/12/02.json"
            let earlier = try await fixture.s3.getObject(bucket: fixture.bucket, key: key)
            try await fixture.append(1)
            try await fixture.anchor(on: "2026-12-02", minutes: 5)
            try await fixture.anchor(on: "2026-12-03")
            #expect(try await fixture.verify().problems == [])

            // An authentic digest of that day, but not the one day 3 links to.
            try await fixture.s3.putObject(bucket: fixture.bucket, key: key, body: earlier, contentType: "application/json")
            #expect(
                try await fixture.verify().problems == [
                    .digest(
                        location: fixture.store.location(of: key),
                        reason: "is not the object test-chain/digests/2026/12/03.json names as its previous digest (its SHA-256 differs): it was replaced")
                ])

            // Edited bytes: the MAC no longer verifies.
            let edited = String(decoding: earlier, as: UTF8.self).replacingOccurrences(of: #""seq":2"#, with: #""seq":1"#)
            #expect(edited != String(decoding: earlier, as: UTF8.self))
            try await fixture.s3.putObject(bucket: fixture.bucket, key: key, body: Array(edited.utf8), contentType: "application/json")
            #expect(
                try await fixture.verify().problems == [
                    .digest(
                        location: fixture.store.location(of: key),
                        reason: "does not carry a valid MAC under the configured keys (the object was altered or forged)")
                ])
            #expect(try await fixture.command() == 1)
        }
    }

    @Test("a changed audit row is named by the row walk, and a rewrite with the key by the anchor and the digests that pinned it")
    func changedRowIsDetected() async throws {
        try await AuditChainFixture.run { fixture in
            try await Self.threeDays(fixture)
            try await fixture.asSuperuser("SET session_replication_role = replica; UPDATE audit_test.chain_log SET actor = 'mallory' WHERE seq = 2")
            let changed = try await fixture.verify()
            #expect(
                changed.problems == [
                    .row(seq: 2, reason: "hash does not match the row's content under the chain key (the row was changed)")
                ])
            #expect(try await fixture.command() == 1)

            // Someone holding the key as well rewrites rows 2 and 3 and chains them again: every
            // row verifies, but the anchored head and the digests that pinned them do not.
            try await Self.rechainWithKey(fixture, from: 2)
            let rewritten = try await fixture.verify()
            let reasons = rewritten.problems.map(\.description)
            #expect(rewritten.problems.contains { if case .row(3, let reason) = $0 { reason.contains("the chain was rewritten") } else { false } })
            #expect(reasons.contains { $0.contains("2026/12/02.json pins seq 2") && $0.contains("the row was changed") })
            #expect(reasons.contains { $0.contains("2026/12/03.json pins seq 3") && $0.contains("the row was changed") })
        }
    }

    // MARK: helpers

    /// Rows 1, 2, 3 anchored on 1, 2 and 3 December: three digests, one row each.
    static func threeDays(_ fixture: AuditChainFixture) async throws {
        for day in ["2026-12-01", "2026-12-02", "2026-12-03"] {
            try await fixture.append(1)
            try await fixture.anchor(on: day)
        }
        #expect(try await fixture.verify().problems == [])
    }

    static func hash(_ fixture: AuditChainFixture, seq: Int64) async throws -> String {
        try await fixture.client.query("SELECT hash FROM audit_test.chain_log WHERE seq = \(seq)", logger: fixture.logger).collect()[0]
            .decode(String.self)
    }

    /// Changes the actor of row `from` and recomputes it and every later row under the chain
    /// key: what only someone with both the database and the key could do.
    static func rechainWithKey(_ fixture: AuditChainFixture, from target: Int64) async throws {
        let rows = try await fixture.client.query(
            "SELECT \(unescaped: AuditLog.selectColumns) FROM audit_test.chain_log ORDER BY seq", logger: fixture.logger
        ).collect().map { try $0.decode(AuditLog.Row.self) }
        var previous = AuditLog.genesisHash
        var statements: [String] = ["SET session_replication_role = replica"]
        for (seq, _, hash, actor, action, subject, tenant, payload, atMicros, _) in rows {
            guard seq >= target else {
                previous = hash
                continue
            }
            let newActor = seq == target ? "mallory" : actor
            let newHash = fixture.keys.current.mac(
                previous
                    + AuditLog.canonical(
                        seq: seq, tenantID: tenant, actor: newActor, action: action, subject: subject, payload: payload, atMicros: atMicros))
            statements.append(
                "UPDATE audit_test.chain_log SET actor = '\(newActor)', prev_hash = '\(previous)', hash = '\(newHash)' WHERE seq = \(seq)")
            previous = newHash
        }
        try await fixture.asSuperuser(statements.joined(separator: ";"))
    }
}
