import Foundation
import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import Processor

/// Raw rows and every aggregate must equal a reference computed here from the unique events,
/// however the stream is delivered: with duplicates, out of order, across a rebalance, or
/// after the processor was killed mid-batch.
@Suite("processor exactness", .serialized)
struct ExactnessTests {
    @Test("200,000 events with 5% duplicates and shuffled timestamps leave raw rows and every aggregate equal to an independent reference")
    func duplicatesAndDisorderChangeNothing() async throws {
        let binary = try TestServers.value("GM_TEST_PROCESSOR_BIN")
        let (corpus, expected) = await offThePool {
            let corpus = EventCorpus(uniqueEvents: 190_477, duplicateShare: 0.05)
            return (corpus, Aggregates(reference: corpus.unique))
        }
        #expect(corpus.stream.count == 200_000)
        try await ProcessorFixture.run { fixture in
            try await fixture.produce(await offThePool { EventCorpus.records(corpus.stream, topic: fixture.rawTopic) })
            // In a process of its own: decoding 200,000 events here would stall the other suites.
            let processor = try ProcessorProcess.start(binary, environment: fixture.environment)
            defer { processor.kill() }
            try await fixture.waitForStoredEvents(corpus.unique.count)
            let stored = try await fixture.storedAggregates()
            #expect(stored.differences(from: expected).isEmpty, "\(stored.differences(from: expected))")
            #expect(stored == expected, "stored \(stored); expected \(expected)")
        }
    }

    @Test("two processors in one group, the second joining and the first leaving mid-stream, still leave exact totals")
    func rebalanceKeepsTotalsExact() async throws {
        let (corpus, expected) = await offThePool {
            let corpus = EventCorpus(uniqueEvents: 57_143, duplicateShare: 0.05, seed: 7)
            return (corpus, Aggregates(reference: corpus.unique))
        }
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
        }
    }

    @Test("a processor killed with SIGKILL mid-stream and started again still leaves exact totals")
    func crashKeepsTotalsExact() async throws {
        let binary = try TestServers.value("GM_TEST_PROCESSOR_BIN")
        let (corpus, expected) = await offThePool {
            let corpus = EventCorpus(uniqueEvents: 95_238, duplicateShare: 0.05, seed: 11)
            return (corpus, Aggregates(reference: corpus.unique))
        }
        try await ProcessorFixture.run { fixture in
            try await fixture.produce(EventCorpus.records(corpus.stream, topic: fixture.rawTopic))
            var environment = fixture.environment
            // Small batches, so the kill lands between many transactions and commits.
            environment["GM_PROCESSOR_BATCH_SIZE"] = "500"
            let first = try ProcessorProcess.start(binary, environment: environment)
            var stored = 0
            while stored < corpus.unique.count / 3 {
                try await Task.sleep(for: .milliseconds(100))
                stored = Int((try? await fixture.query("SELECT count(*)::bigint FROM events_raw", as: Int64.self))?.first ?? 0)
                #expect(first.isRunning, "the processor exited before it was killed")
            }
            first.kill()
            #expect(stored < corpus.unique.count, "the kill came too late to land mid-stream")
            let second = try ProcessorProcess.start(binary, environment: environment)
            defer { second.kill() }
            try await fixture.waitForStoredEvents(corpus.unique.count)
            // Redelivered records (consumed but not committed before the kill) must change nothing.
            try await Task.sleep(for: .seconds(2))
            let totals = try await fixture.storedAggregates()
            #expect(totals.differences(from: expected).isEmpty, "\(totals.differences(from: expected))")
        }
    }
}
