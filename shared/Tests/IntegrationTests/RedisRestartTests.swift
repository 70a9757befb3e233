import GameMetricsTesting
import Redis
import Testing

@Suite("Redis client through a server restart")
struct RedisRestartTests {
    /// Tells the workers whether the server is back, so they can count their successes after it.
    actor Phase {
        /// 0 before the stop, 1 once it is stopping, 2 once it is back.
        private(set) var generation = 0
        var restarted: Bool { generation == 2 }
        func markStopping() { generation = 1 }
        func markRestarted() { generation = 2 }
    }

    struct WorkerReport: Sendable {
        var successesBefore = 0
        var successesAfterRestart = 0
        var outageFailures: [RedisError] = []
        var failuresAfterRestart: [RedisError] = []
        var problems: [String] = []
    }

    static let workers = 64
    /// Enough rounds to show every worker recovered; more only measures the machine's load (20
    /// rounds of 64 workers on 8 connections once took a loaded CI machine past the patience).
    static let requiredSuccessesAfterRestart = 5
    static let patience = Duration.seconds(60)

    /// INCR / SET / GET in a loop until it has done enough rounds after the restart.
    static func work(_ index: Int, client: RedisClient, phase: Phase) async -> WorkerReport {
        var report = WorkerReport()
        let key = "worker:\(index)"
        // A liveness bound, not a speed target: the restart itself takes seconds on a loaded machine.
        let deadline = ContinuousClock.now + Self.patience
        while report.successesAfterRestart < requiredSuccessesAfterRestart {
            guard ContinuousClock.now < deadline else {
                report.problems.append("worker \(index) did not finish within \(Self.patience)")
                return report
            }
            let generation = await phase.generation
            let restarted = generation == 2
            do {
                let count = try await client.increment("rounds")
                try await client.set(key, String(count))
                let readBack = try await client.get(key)
                // A value set on the server that then stopped is gone from the restarted one (no
                // persistence): only a round within one server's life must read its own write.
                if readBack != String(count), await phase.generation == generation {
                    report.problems.append("worker \(index) wrote \(count) but read \(readBack ?? "nil")")
                }
                if restarted { report.successesAfterRestart += 1 } else { report.successesBefore += 1 }
            } catch let error as RedisError {
                if restarted { report.failuresAfterRestart.append(error) } else { report.outageFailures.append(error) }
                try? await Task.sleep(for: .milliseconds(10))
            } catch {
                report.problems.append("worker \(index) got an untyped error: \(error)")
                return report
            }
        }
        return report
    }

    @Test(
        "64 tasks on a pool of 8 see typed errors while the server is down and all succeed after it is back",
        .timeLimit(.minutes(2))
    )
    func survivesRestart() async throws {
        try await RedisTestServer.with(poolSize: 8, commandTimeout: .seconds(1)) { server, client in
            let phase = Phase()
            let started = ContinuousClock.now
            let reports = try await withThrowingTaskGroup(of: WorkerReport.self) { group in
                for index in 0..<Self.workers {
                    group.addTask { await Self.work(index, client: client, phase: phase) }
                }
                try await Task.sleep(for: .milliseconds(400))
                await phase.markStopping()
                server.stop()  // SIGTERM: every pooled connection is closed under the workers
                try await Task.sleep(for: .milliseconds(600))
                try await server.start()
                await phase.markRestarted()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - started

            #expect(reports.count == Self.workers)
            #expect(reports.flatMap(\.problems) == [])
            #expect(reports.allSatisfy { $0.successesAfterRestart == Self.requiredSuccessesAfterRestart })
            #expect(reports.map(\.successesBefore).reduce(0, +) > 0, "workers should have run before the outage")
            let outageFailures = reports.flatMap(\.outageFailures)
            #expect(!outageFailures.isEmpty, "the outage should have been noticed")
            for failure in Set(outageFailures) {
                switch failure {
                case .connectionLost, .connectionFailed, .timeout: break
                default: Issue.record("unexpected failure kind during the outage: \(failure)")
                }
            }
            // Stale pooled connections are detected before use, so nothing fails once the server is back.
            #expect(reports.flatMap(\.failuresAfterRestart) == [])
            #expect(elapsed < Self.patience)

            // The pool is still healthy: 1,000 more commands from 50 tasks, each counted exactly once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        for _ in 0..<20 { try await client.increment("after-restart") }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await client.get("after-restart") == "1000")

            // And it never held more sockets than poolSize.
            let info = try await client.execute(["INFO", "clients"]).string ?? ""
            let connected = info.split(whereSeparator: \.isNewline)
                .first { $0.hasPrefix("connected_clients:") }
                .flatMap { Int($0.dropFirst("connected_clients:".count)) }
            #expect((1...8).contains(connected ?? 0), "connected_clients: \(connected.map(String.init) ?? "missing")")
        }
    }
}
