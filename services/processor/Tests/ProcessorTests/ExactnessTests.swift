import Foundation
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import Testing

@testable import Processor

/// Raw rows and every aggregate, the player bitmaps included, must equal a reference computed
/// here from the unique events, however the stream is delivered: with duplicates, out of order,
/// across a rebalance, after the processor was killed mid-batch, or across a restart of its
/// database.
@Suite("processor exactness", .serialized, .timeLimit(.minutes(10)))
struct ExactnessTests {
    @Test("200,000 events with 5% duplicates and shuffled timestamps leave raw rows and every aggregate equal to an independent reference")
    func duplicatesAndDisorderChangeNothing() async throws {
        let binary = try TestServers.value("GM_TEST_PROCESSOR_BIN")
        let (corpus, expected) = await corpusWithExpectedTotals(uniqueEvents: 190_477, duplicateShare: 0.05)
        #expect(corpus.stream.count == 200_000)
        try await ProcessorFixture.run { fixture in
            try await fixture.produce(await offThePool { EventCorpus.records(corpus.stream, topic: fixture.rawTopic) })
            // In a process of its own: decoding 200,000 events here would stall the other suites.
            let processor = try ServiceProcess.start(binary, environment: fixture.environment)
            defer { processor.kill() }
            try await fixture.waitForStoredEvents(corpus.unique.count)
            let stored = try await fixture.storedAggregates()
            #expect(stored.differences(from: expected).isEmpty, "\(stored.differences(from: expected))")
            #expect(stored == expected, "stored \(stored); expected \(expected)")
            try await fixture.expectBitmapsEqualMemberships(of: corpus.unique)
        }
    }

    @Test("two processors in one group, the second joining and the first leaving mid-stream, still leave exact totals")
    func rebalanceKeepsTotalsExact() async throws {
        let (corpus, expected) = await corpusWithExpectedTotals(uniqueEvents: 57_143, duplicateShare: 0.05, seed: 7)
        let records = EventCorpus.records(corpus.stream, topic: "")
        try await ProcessorFixture.run { fixture in
            let topicRecords = records.map { record in
                var record = record
                record.topic = fixture.rawTopic
                return record
            }
            let thirds = topicRecords.count / 3
            try await fixture.produce(Array(topicRecords[..<thirds]))
            try await fixture.withProcessor { _ in
                try await fixture.waitForStoredEvents(1)
                try await fixture.withProcessor { _ in
                    try await fixture.produce(Array(topicRecords[thirds..<(2 * thirds)]))
                    // Both members hold partitions once the second has joined and written.
                    try await Task.sleep(for: .seconds(3))
                }
                // The second left (its partitions move back to the first) before the last third.
                try await fixture.produce(Array(topicRecords[(2 * thirds)...]))
                try await fixture.waitForStoredEvents(corpus.unique.count)
            }
            let stored = try await fixture.storedAggregates()
            #expect(stored.differences(from: expected).isEmpty, "\(stored.differences(from: expected))")
            try await fixture.expectBitmapsEqualMemberships(of: corpus.unique)
        }
    }

    @Test("a processor killed with SIGKILL mid-stream and started again still leaves exact totals")
    func crashKeepsTotalsExact() async throws {
        let binary = try TestServers.value("GM_TEST_PROCESSOR_BIN")
        let (corpus, expected) = await corpusWithExpectedTotals(uniqueEvents: 95_238, duplicateShare: 0.05, seed: 11)
        try await ProcessorFixture.run { fixture in
            try await fixture.produce(EventCorpus.records(corpus.stream, topic: fixture.rawTopic))
            var environment = fixture.environment
            // Small batches, so the kill lands between many transactions and commits.
            environment["GM_PROCESSOR_BATCH_SIZE"] = "500"
            let first = try ServiceProcess.start(binary, environment: environment)
            var stored = 0
            while stored < corpus.unique.count / 3 {
                try await Task.sleep(for: .milliseconds(100))
                stored = Int((try? await fixture.query("SELECT count(*)::bigint FROM events_raw", as: Int64.self))?.first ?? 0)
                #expect(first.isRunning, "the processor exited before it was killed")
            }
            first.kill()
            #expect(stored < corpus.unique.count, "the kill came too late to land mid-stream")
            let second = try ServiceProcess.start(binary, environment: environment)
            defer { second.kill() }
            try await fixture.waitForStoredEvents(corpus.unique.count)
            // Redelivered records (consumed but not committed before the kill) must change nothing.
            try await Task.sleep(for: .seconds(2))
            let totals = try await fixture.storedAggregates()
            #expect(totals.differences(from: expected).isEmpty, "\(totals.differences(from: expected))")
            try await fixture.expectBitmapsEqualMemberships(of: corpus.unique)
        }
    }

    @Test("PostgreSQL stopped and started again under load: the processor reports not ready, waits, recovers and still leaves exact totals")
    func databaseRestartKeepsTotalsExact() async throws {
        let database = try RestartableTestDatabase()
        try await database.reset()
        let (corpus, expected) = await corpusWithExpectedTotals(uniqueEvents: 57_143, duplicateShare: 0.05, seed: 13)
        let records = EventCorpus.records(corpus.stream, topic: "")
        try await ProcessorFixture.run(databaseURL: database.url) { fixture in
            try await fixture.produce(
                records.map { record in
                    var record = record
                    record.topic = fixture.rawTopic
                    return record
                })
            // Small batches, so the shutdown lands between many transactions and commits.
            // A store attempt stuck on a connection the shutdown dropped is abandoned after 5 s.
            try await fixture.withProcessor(environment: ["GM_PROCESSOR_BATCH_SIZE": "200", "GM_PROCESSOR_STORE_TIMEOUT_MS": "5000"]) { client in
                var stored = 0
                let deadline = ContinuousClock.now + .seconds(120)
                while stored < corpus.unique.count / 4, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    stored = Int((try? await fixture.query("SELECT count(*)::bigint FROM events_raw", as: Int64.self))?.first ?? 0)
                }
                try #require(stored >= corpus.unique.count / 4, "the processor stored \(stored) events in 120 s")
                try await database.stop()
                #expect(stored < corpus.unique.count, "the restart came too late to land under load")

                var readiness: HTTPResponse.Status = .ok
                for _ in 0..<60 where readiness == .ok {
                    readiness = try await client.execute(uri: "/health/ready", method: .get) { $0.status }
                    try await Task.sleep(for: .milliseconds(250))
                }
                #expect(readiness == .serviceUnavailable, "ready while its database is down")
                // Long enough for several failed attempts and backoffs.
                try await Task.sleep(for: .seconds(3))
                try await database.start()

                try await fixture.waitForStoredEvents(corpus.unique.count)
                let recovered = try await client.execute(uri: "/health/ready", method: .get) { $0.status }
                #expect(recovered == .ok)
            }
            let totals = try await fixture.storedAggregates()
            #expect(totals.differences(from: expected).isEmpty, "\(totals.differences(from: expected))")
            try await fixture.expectBitmapsEqualMemberships(of: corpus.unique)
        }
    }
}
