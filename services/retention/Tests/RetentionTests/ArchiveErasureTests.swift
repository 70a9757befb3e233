import Foundation
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import PostgresNIO
import Synchronization
import Testing

@testable import Retention

@Suite("Erasure inside the archive")
struct ArchiveErasureTests {
    @Test(
        "an erasure request through the shared participant rewrites every archive object that held the player, keeps manifests and catalogue consistent and purges restore tables"
    )
    func erasesThePlayerFromEveryObject() async throws {
        try await RetentionFixture.run { fixture in
            let today = ArchiveDay(Date())
            let days = [-40, -39, -12].map { today.adding(days: $0) }
            for (index, day) in days.enumerated() { try await fixture.generate(tenantID: "alpha", day: day, count: 120, players: 12, seed: index) }
            try await fixture.generate(tenantID: "beta", day: days[2], count: 60, players: 12)
            try await fixture.setPolicy("alpha", hotDays: 5, archiveDays: 365)
            try await fixture.setPolicy("beta", hotDays: 5, archiveDays: 365)
            _ = try await fixture.withParts(partRows: 50) { try await $0.pass(metrics: RetentionMetrics()).run() }
            let restore = try await fixture.withParts { try await $0.restorer.restore(tenantID: "alpha", day: days[0], requestedBy: "test") }
            let before = try await fixture.archivedLines(tenantID: "alpha").values.flatMap { $0 }
            let doomed = before.filter { ArchiveObject.playerID(of: $0) == "player-5" }.count
            #expect(doomed > 0)

            let suffix = String(UUID().uuidString.prefix(8).lowercased())
            let topic = "test.retention-erasure.\(suffix)"
            let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
            for name in [topic, topic + ".dlq"] { try await control.createTopic(name, partitions: 3) }
            let environment = try fixture.environment([
                "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_INTERNAL_HTTP_PORT": "0", "GM_USER_URL": "http://127.0.0.1:1",
                "GM_KAFKA_BOOTSTRAP": try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP"), "GM_RETENTION_ERASURE_TOPIC": topic,
                "GM_RETENTION_ERASURE_GROUP": "retention-erasure-\(suffix)",
            ])
            let application = try buildApplication(environment: EnvironmentReader(environment))
            try await application.test(.live) { _ in
                let erasure = ErasureMessage.requested(
                    ErasureRequested(requestID: UUID(), tenantID: "alpha", playerID: "player-5", requestedAt: Date(), requestedBy: "test"))
                try await TestProducer.send(topic, key: erasure.key, value: try erasure.encoded())
                try await eventually(.seconds(90)) {
                    try await KafkaTopicReader.read(topic, count: 2, idle: .seconds(1)).contains { record in
                        if case .completed(let done)? = try? ErasureMessage.decode(record.value) { return done.service == "retention" }
                        return false
                    }
                }
            }

            let objects = try await fixture.archivedLines(tenantID: "alpha")
            let after = objects.values.flatMap { $0 }
            #expect(after.count == before.count - doomed)
            #expect(!after.contains { ArchiveObject.playerID(of: $0) == "player-5" })
            // The other tenant's player of the same id is not theirs to erase.
            #expect(try await fixture.archivedLines(tenantID: "beta").values.flatMap { $0 }.contains { ArchiveObject.playerID(of: $0) == "player-5" })
            for day in days {
                let manifest = try await fixture.manifest(tenantID: "alpha", day: day)
                #expect(manifest.rows == manifest.objects.reduce(0) { $0 + $1.rows })
                for part in manifest.objects {
                    let body = try await fixture.s3.getObject(bucket: fixture.bucketName, key: part.key)
                    #expect(ArchiveObject.sha256(body) == part.sha256)
                    #expect(objects[part.key]?.count == part.rows)
                }
            }
            #expect(try await fixture.count("SELECT count(*)::int FROM archive_players WHERE tenant_id = 'alpha' AND player_id = 'player-5'") == 0)
            #expect(try await fixture.count("SELECT count(*)::int FROM restored_events WHERE player_id = 'player-5' AND tenant_id = 'alpha'") == 0)
            #expect(try await fixture.count("SELECT count(*)::int FROM restored_events WHERE restore_id = '\(restore.restoreID)'") == restore.rows - 10)
            let again = try await fixture.withParts { try await $0.restorer.restore(tenantID: "alpha", day: days[0], requestedBy: "test") }
            #expect(again.rows == restore.rows - 10)
        }
    }
}

@Suite("Erasure inside the archive, under failure and load")
struct ArchiveErasureRobustnessTests {
    struct Interrupted: Error {}

    @Test("an erasure whose transaction fails after it emptied and deleted an object completes when retried")
    func retriedErasureCompletes() async throws {
        try await RetentionFixture.run { fixture in
            let day = ArchiveDay(Date()).adding(days: -40)
            try await fixture.generate(tenantID: "alpha", day: day, count: 30, players: 1)
            try await fixture.generate(tenantID: "alpha", day: day.adding(days: 1), count: 30, players: 3)
            try await fixture.setPolicy("alpha", hotDays: 5, archiveDays: 365)
            _ = try await fixture.withParts { try await $0.pass(metrics: RetentionMetrics()).run() }
            try await fixture.withParts { parts in
                await #expect(throws: Interrupted.self) {
                    try await parts.postgres.withTransactionEndingWithConnection(logger: fixture.logger) { connection in
                        _ = try await parts.eraser.erase(requestID: UUID(), tenantID: "alpha", playerID: "player-0", on: connection)
                        throw Interrupted()
                    }
                }
                let counts = try await parts.postgres.withTransactionEndingWithConnection(logger: fixture.logger) { connection in
                    try await parts.eraser.erase(requestID: UUID(), tenantID: "alpha", playerID: "player-0", on: connection)
                }
                #expect(counts["archive_objects"] == 2)
            }
            let lines = try await fixture.archivedLines(tenantID: "alpha").values.flatMap { $0 }
            #expect(lines.count == 20)
            #expect(!lines.contains { ArchiveObject.playerID(of: $0) == "player-0" })
            #expect(try await fixture.count("SELECT count(*)::int FROM archive_objects") == 1)
        }
    }

    @Test("while an erasure rewrites objects, the erasure lock that every processor store takes stays free")
    func rewritesDoNotHoldTheErasureLock() async throws {
        try await RetentionFixture.run { fixture in
            let day = ArchiveDay(Date()).adding(days: -40)
            try await fixture.generate(tenantID: "alpha", day: day, count: 60, players: 3)
            try await fixture.setPolicy("alpha", hotDays: 5, archiveDays: 365)
            _ = try await fixture.withParts { try await $0.pass(metrics: RetentionMetrics()).run() }
            let reading = Mutex(false)
            let released = Mutex(false)
            let proxy = CountingProxy(
                target: try TestServers.value("GM_TEST_S3_ENDPOINT"), counting: { method, path in method == .get && path.contains("/events-") },
                preservesHost: true,
                afterCounted: {
                    reading.withLock { $0 = true }
                    for _ in 0..<600 where !released.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
                })
            let suffix = String(UUID().uuidString.prefix(8).lowercased())
            let topic = "test.retention-erasure-lock.\(suffix)"
            let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
            for name in [topic, topic + ".dlq"] { try await control.createTopic(name, partitions: 1) }
            try await proxy.run { s3 in
                // The whole service, so the participant's own steps (the ledger, the completion)
                // run as in production, against S3 through the proxy.
                let environment = try fixture.environment(
                    [
                        "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_INTERNAL_HTTP_PORT": "0", "GM_USER_URL": "http://127.0.0.1:1",
                        "GM_KAFKA_BOOTSTRAP": try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP"), "GM_RETENTION_ERASURE_TOPIC": topic,
                        "GM_RETENTION_ERASURE_GROUP": "retention-erasure-\(suffix)",
                    ], s3Endpoint: s3)
                try await buildApplication(environment: EnvironmentReader(environment)).test(.live) { _ in
                    let erasure = ErasureMessage.requested(
                        ErasureRequested(requestID: UUID(), tenantID: "alpha", playerID: "player-1", requestedAt: Date(), requestedBy: "test"))
                    try await TestProducer.send(topic, key: erasure.key, value: try erasure.encoded())
                    try await eventually(.seconds(60)) { reading.withLock { $0 } }
                    // What a processor store does (ErasedSubjects.holdShared), without waiting.
                    let free = try await fixture.withOwner { owner in
                        try await owner.withTransactionEndingWithConnection(logger: fixture.logger) { connection in
                            let rows = try await connection.answeredStatement(
                                "SELECT pg_try_advisory_xact_lock_shared(\(ErasedSubjects.lockKey))", logger: fixture.logger)
                            return try rows.first?.decode(Bool.self) ?? false
                        }
                    }
                    released.withLock { $0 = true }
                    #expect(free, "the erasure held the erasure lock while it rewrote an object")
                    try await eventually(.seconds(60)) {
                        try await KafkaTopicReader.read(topic, count: 2, idle: .seconds(1)).contains { record in
                            if case .completed(let done)? = try? ErasureMessage.decode(record.value) { return done.service == "retention" }
                            return false
                        }
                    }
                }
            }
            #expect(!(try await fixture.archivedLines(tenantID: "alpha")).values.flatMap { $0 }.contains { ArchiveObject.playerID(of: $0) == "player-1" })
        }
    }
}
