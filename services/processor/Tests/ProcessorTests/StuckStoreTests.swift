import Foundation
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing

@testable import Processor

/// A store that cannot finish — here because the test holds an exclusive lock on a table the
/// store writes — must neither keep the processor ready nor hold up its shutdown.
@Suite("a processor whose store is stuck", .serialized)
struct StuckStoreTests {
    @Test("SIGTERM while a store waits on a lock: the processor exits within GM_SHUTDOWN_GRACE_MS, commits nothing it did not store, and a restart stores every event exactly once")
    func sigtermDuringAStuckStore() async throws {
        let binary = try TestServers.value("GM_TEST_PROCESSOR_BIN")
        let (corpus, expected) = await corpusWithExpectedTotals(uniqueEvents: 4_000, duplicateShare: 0, seed: 17)
        let (first, second) = (Array(corpus.stream[..<2_000]), Array(corpus.stream[2_000...]))
        try await ProcessorFixture.run { fixture in
            var environment = fixture.environment
            environment["GM_SHUTDOWN_GRACE_MS"] = "4000"
            // Lifecycle steps in the log (GM_TEST_SERVICE_LOGS), to see what held a shutdown up.
            environment["GM_LOG_LEVEL"] = "debug"
            // Far longer than the grace period: only the shutdown can end the stuck attempt.
            environment["GM_PROCESSOR_STORE_TIMEOUT_MS"] = "300000"
            try await fixture.withProcessorStuckOnALock(binary, environment: environment, storing: first, thenWaiting: second) { processor in
                processor.terminate()
                let exitedAfter = try await processor.waitForExit(within: .seconds(30))
                // The grace period plus a second for the signal and the process to be reaped.
                #expect(exitedAfter.map { $0 < .seconds(5) } ?? false, "exited after \(exitedAfter.map(String.init(describing:)) ?? "more than 30 s")")
            }
            let storedBeforeRestart = try await fixture.query("SELECT count(*)::bigint FROM events_raw", as: Int64.self).first ?? 0
            #expect(storedBeforeRestart == Int64(first.count), "the abandoned batch is stored after all: \(storedBeforeRestart)")

            // Whatever was committed before the exit is not consumed again: only if the second
            // batch's offsets were left uncommitted does the restarted processor store it.
            let restarted = try ServiceProcess.start(binary, environment: environment)
            defer { restarted.kill() }
            try await fixture.waitForStoredEvents(corpus.unique.count)
            try await Task.sleep(for: .seconds(2))
            let totals = try await fixture.storedAggregates()
            #expect(totals.differences(from: expected).isEmpty, "\(totals.differences(from: expected))")
        }
    }

    @Test("records waiting behind a stuck store make readiness fail after GM_KAFKA_CONSUMER_STALL_MS, an idle consumer stays ready, and readiness returns once the store goes through")
    func stuckStoreIsNotReady() async throws {
        let corpus = await offThePool { EventCorpus(uniqueEvents: 1_000, duplicateShare: 0, seed: 19) }
        let (first, second) = (Array(corpus.stream[..<500]), Array(corpus.stream[500...]))
        try await ProcessorFixture.run { fixture in
            try await fixture.produce(EventCorpus.records(first, topic: fixture.rawTopic))
            let environment = ["GM_KAFKA_CONSUMER_STALL_MS": "3000", "GM_PROCESSOR_STORE_TIMEOUT_MS": "300000"]
            try await fixture.withProcessor(environment: environment) { client in
                try await fixture.waitForStoredEvents(first.count)
                // Idle for longer than the stall limit: nothing waits, so nothing is stalled.
                try await Task.sleep(for: .seconds(5))
                let idle = try await client.execute(uri: "/health/ready", method: .get) { ($0.status, String(buffer: $0.body)) }
                #expect(idle.0 == .ok, "an idle consumer is not ready: \(idle.1)")

                try await fixture.withLockedEventIDs { waitingStores in
                    try await fixture.produce(EventCorpus.records(second, topic: fixture.rawTopic))
                    try await waitingStores()
                    var answer = (status: HTTPResponse.Status.ok, body: "")
                    let deadline = ContinuousClock.now + .seconds(30)
                    while answer.status == .ok, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(250))
                        answer = try await client.execute(uri: "/health/ready", method: .get) { ($0.status, String(buffer: $0.body)) }
                    }
                    #expect(answer.status == .serviceUnavailable, "still ready with records stuck behind the store: \(answer.body)")
                    #expect(answer.body.contains("events-consumer"), "\(answer.body)")
                }
                try await fixture.waitForStoredEvents(corpus.unique.count)
                var recovered = HTTPResponse.Status.serviceUnavailable
                let deadline = ContinuousClock.now + .seconds(30)
                while recovered != .ok, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(250))
                    recovered = try await client.execute(uri: "/health/ready", method: .get) { $0.status }
                }
                #expect(recovered == .ok, "not ready again after the store went through")
            }
        }
    }
}

extension ProcessorFixture {
    /// Runs `body` while this test holds `event_ids` locked exclusively, so every store waits.
    /// `body` gets a function that returns once a store of the processor waits for the lock.
    /// Runs the processor executable, lets it store `first`, then holds the lock its next store
    /// needs while `second` arrives: `body` runs once a store waits on that lock.
    func withProcessorStuckOnALock(
        _ binary: String, environment: [String: String], storing first: [PlayerEvent], thenWaiting second: [PlayerEvent],
        _ body: @Sendable (ServiceProcess) async throws -> Void
    ) async throws {
        try await produce(EventCorpus.records(first, topic: rawTopic))
        let processor = try ServiceProcess.start(binary, environment: environment)
        defer { processor.kill() }
        try await waitForStoredEvents(first.count)
        try await withLockedEventIDs { waitingStores in
            try await produce(EventCorpus.records(second, topic: rawTopic))
            try await waitingStores()
            try await body(processor)
        }
    }

    func withLockedEventIDs(_ body: @Sendable (_ waitingStores: @Sendable () async throws -> Void) async throws -> Void) async throws {
        try await withDatabase { client, logger in
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("LOCK TABLE event_ids IN ACCESS EXCLUSIVE MODE", logger: logger)
                do {
                    try await body {
                        let deadline = ContinuousClock.now + .seconds(60)
                        while ContinuousClock.now < deadline {
                            let waiting =
                                try await connection.query(
                                    """
                                    SELECT count(*)::bigint FROM pg_stat_activity
                                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
                                    """, logger: logger
                                ).collect().first?.decode(Int64.self) ?? 0
                            if waiting > 0 { return }
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        Issue.record("no store waited for the lock within 60 s")
                        throw TimedOut()
                    }
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
                try await connection.query("ROLLBACK", logger: logger)
            }
        }
    }
}
