import Foundation
import GameMetricsTesting
import Redis
import Testing

@Suite("Redis client against a 6-node Redis Cluster", .serialized)
struct RedisClusterTests {
    /// One key per hash slot, found by asking the server (`CLUSTER KEYSLOT`), so the coverage does
    /// not depend on the client's own slot computation.
    static func oneKeyPerSlot(_ cluster: RedisClusterTestServer) async throws -> [String] {
        var keys = [String?](repeating: nil, count: 16384)
        var missing = 16384
        var next = 0
        while missing > 0 {
            let candidates = (next..<next + 5_000).map { "slot-key:\($0)" }
            next += candidates.count
            let slots = try await cluster.nodes[0].admin.pipeline(candidates.map { ["CLUSTER", "KEYSLOT", $0] })
            for (candidate, slot) in zip(candidates, slots) {
                guard let slot = slot.integer, keys[slot] == nil else { continue }
                keys[slot] = candidate
                missing -= 1
            }
            try #require(next < 1_000_000, "1M keys did not cover every slot")
        }
        return keys.compactMap { $0 }
    }

    @Test("the client's hash slot of a key is the server's CLUSTER KEYSLOT, hash tags included")
    func slotsMatchTheServer() async throws {
        try await RedisClusterTestServer.with { cluster, _ in
            var keys = (0..<5_000).map { "key:\($0)" }
            keys += [
                "", "{", "}", "{}", "{}a", "a{}b{c}", "{user1000}.following", "{user1000}.followers", "foo{}{bar}",
                "foo{{bar}}zap", "foo{bar}{zap}", "gm:ingestion:rate:{tenant-a}", "ümlaut{ß}", "nul\u{0}byte", "{tenant-a}",
            ]
            let slots = try await cluster.nodes[0].admin.pipeline(keys.map { ["CLUSTER", "KEYSLOT", $0] })
            for (key, slot) in zip(keys, slots) {
                #expect(RedisHashSlot.of(key) == slot.integer, "key \(key)")
            }
            // The specification's test vector: CRC16("123456789") = 0x31C3.
            #expect(RedisHashSlot.of("123456789") == 0x31C3)
            #expect(RedisHashSlot.of(RedisKeys.tenant("tenant-a", prefix: "gm:ingestion:rate:")) == RedisHashSlot.of("tenant-a"))
        }
    }

    @Test("a key in every one of the 16384 slots is written and read back through the cluster", .timeLimit(.minutes(3)))
    func keysInEverySlotRoundTrip() async throws {
        try await RedisClusterTestServer.with { cluster, client in
            let keys = try await Self.oneKeyPerSlot(cluster)
            #expect(keys.count == 16384)
            let mismatches = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        var wrong: [String] = []
                        for key in keys[(worker * 1024)..<((worker + 1) * 1024)] {
                            try await client.set(key, "value of \(key)")
                            if try await client.get(key) != "value of \(key)" { wrong.append(key) }
                        }
                        return wrong
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(mismatches.isEmpty)
            // Each master holds a third of the keys: the writes really were spread by slot.
            var stored = 0
            for node in cluster.nodes {
                if try await node.run("ROLE").array?.first?.string == "master" {
                    let count = try await node.run("DBSIZE").integer ?? 0
                    #expect(count > 5_000, "master \(node.port) holds \(count) keys")
                    stored += count
                }
            }
            #expect(stored == 16384)
        }
    }

    @Test("a slot moved to another master is found through MOVED, and later commands go there", .timeLimit(.minutes(2)))
    func followsMovedAfterResharding() async throws {
        try await RedisClusterTestServer.with { cluster, client in
            try await client.set("moved:{m}1", "before")
            #expect(try await client.get("moved:{m}1") == "before")
            let slot = try await cluster.slot(of: "moved:{m}1")
            let source = try await cluster.master(of: slot)
            let target = try await cluster.otherMaster(than: source)
            try await cluster.moveSlot(slot, to: target)

            #expect(try await client.get("moved:{m}1") == "before")
            try await client.set("moved:{m}1", "after")
            try await client.set("moved:{m}2", "new")
            // The target serves the slot now; a plain GET there (no redirect possible) sees the writes.
            #expect(try await target.run("GET", "moved:{m}1").string == "after")
            #expect(try await target.run("GET", "moved:{m}2").string == "new")
            await #expect(throws: RedisError.self) { try await source.run("GET", "moved:{m}1") }
        }
    }

    @Test("during a slot migration a key already moved is found on the importing node through ASK", .timeLimit(.minutes(2)))
    func followsAskDuringMigration() async throws {
        try await RedisClusterTestServer.with { cluster, client in
            try await client.set("{ask}moved", "on the target")
            try await client.set("{ask}stays", "on the source")
            let slot = try await cluster.slot(of: "{ask}moved")
            let source = try await cluster.master(of: slot)
            let target = try await cluster.otherMaster(than: source)
            try await cluster.beginMigration(slot: slot, from: source, to: target)
            try await cluster.migrate(keys: ["{ask}moved"], from: source, to: target)

            #expect(try await client.get("{ask}moved") == "on the target")
            #expect(try await client.get("{ask}stays") == "on the source")
            // A new key in a migrating slot is created on the importing node.
            try await client.set("{ask}created", "during the migration")
            let onTarget = try await target.admin.pipeline([["ASKING"], ["GET", "{ask}created"]])
            #expect(onTarget.last?.string == "during the migration")
            // (EXISTS on the source would answer ASK itself: list the slot's keys there instead.)
            let onSource = try await source.run("CLUSTER", "GETKEYSINSLOT", String(slot), "10").array?.compactMap(\.string)
            #expect(onSource == ["{ask}stays"])
            // A multi-key command over keys split between the two nodes cannot run until the
            // migration ends: it fails with the server's TRYAGAIN after a bounded wait, not a hang.
            let started = ContinuousClock.now
            await #expect {
                _ = try await client.execute(["MGET", "{ask}moved", "{ask}stays"])
            } throws: { error in
                guard case .serverError(let message) = error as? RedisError else { return false }
                return message.hasPrefix("TRYAGAIN")
            }
            #expect(ContinuousClock.now - started < .seconds(5))

            try await cluster.migrate(keys: ["{ask}stays"], from: source, to: target)
            try await cluster.finishMigration(slot: slot, to: target)
            let all = try await client.execute(["MGET", "{ask}moved", "{ask}stays", "{ask}created"])
            #expect(all.array?.compactMap(\.string) == ["on the target", "on the source", "during the migration"])
        }
    }

    /// Tells the workers whether the cluster has recovered from the kill.
    actor FailoverPhase {
        private(set) var killedAt: ContinuousClock.Instant?
        private(set) var recoveredAt: ContinuousClock.Instant?
        func markKilled() { killedAt = .now }
        func markRecovered() { recoveredAt = .now }
    }

    struct FailoverReport: Sendable {
        var successes = 0
        var successesAfterRecovery = 0
        var errors: [(at: ContinuousClock.Instant, error: RedisError)] = []
        var slowest: Duration = .zero
        var problems: [String] = []
    }

    @Test(
        "a master killed with SIGKILL is replaced by its replica and the client carries on with few errors and no hang",
        .timeLimit(.minutes(3))
    )
    func survivesMasterKill() async throws {
        try await RedisClusterTestServer.with(nodeTimeout: .seconds(1), commandTimeout: .seconds(1)) { cluster, client in
            let victim = try await cluster.master(of: try await cluster.slot(of: "failover:0"))
            // Half of each worker's keys live on the master that dies.
            var onVictim: [String] = []
            var elsewhere: [String] = []
            var index = 0
            while onVictim.count < 8 || elsewhere.count < 8 {
                let key = "failover:\(index)"
                index += 1
                if try await cluster.master(of: try await cluster.slot(of: key)) === victim {
                    if onVictim.count < 8 { onVictim.append(key) }
                } else if elsewhere.count < 8 {
                    elsewhere.append(key)
                }
            }
            let phase = FailoverPhase()
            let reports = try await withThrowingTaskGroup(of: FailoverReport.self) { group in
                for worker in 0..<8 {
                    let keys = [onVictim[worker], elsewhere[worker]]
                    group.addTask { await Self.failoverWork(keys: keys, client: client, phase: phase) }
                }
                try await Task.sleep(for: .seconds(1))
                await phase.markKilled()  // before the signal: calls in flight fail at once
                cluster.kill(victim)
                try await cluster.waitUntilHealthy(timeout: .seconds(60), replicas: false)
                await phase.markRecovered()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let killedAt = try #require(await phase.killedAt)
            let recoveredAt = try #require(await phase.recoveredAt)
            let errors = reports.flatMap(\.errors)
            let slowest = reports.map(\.slowest).max() ?? .zero
            print("failover: recovered \(recoveredAt - killedAt) after the kill; \(errors.count) errors; slowest call \(slowest)")
            for (at, error) in errors {
                print("failover: \(at - killedAt) after the kill: \(error)")
            }
            #expect(reports.flatMap(\.problems).isEmpty, "\(reports.flatMap(\.problems))")
            #expect(reports.allSatisfy { $0.successes > 0 && $0.successesAfterRecovery >= 50 })
            // No hang: every call ends within the command timeout plus the client's failover wait.
            #expect(slowest < .seconds(8), "slowest call took \(slowest)")
            // Errors only while the cluster was failing over (plus a little for calls in flight).
            #expect(errors.allSatisfy { $0.at >= killedAt && $0.at <= recoveredAt + .seconds(3) }, "\(errors)")
            #expect(errors.count <= 8 * 10, "\(errors.count) errors: \(errors.map(\.error))")
        }
    }

    /// SET then GET in a loop over its keys until 50 rounds after the recovery.
    static func failoverWork(keys: [String], client: RedisClient, phase: FailoverPhase) async -> FailoverReport {
        var report = FailoverReport()
        let deadline = ContinuousClock.now + .seconds(90)
        var round = 0
        while report.successesAfterRecovery < 50 {
            guard ContinuousClock.now < deadline else {
                report.problems.append("\(keys) did not finish within 90 s")
                return report
            }
            round += 1
            let key = keys[round % keys.count]
            let recoveredBefore = await phase.recoveredAt != nil
            let started = ContinuousClock.now
            do {
                try await client.set(key, String(round))
                let value = try await client.get(key)
                report.slowest = max(report.slowest, ContinuousClock.now - started)
                // Writes acknowledged just before the kill may be lost (replication is asynchronous);
                // a round entirely after the recovery must read its own write.
                if recoveredBefore, value != String(round) {
                    report.problems.append("\(key): wrote \(round), read \(value ?? "nil") after the recovery")
                }
                report.successes += 1
                if recoveredBefore { report.successesAfterRecovery += 1 }
            } catch let error as RedisError {
                report.slowest = max(report.slowest, ContinuousClock.now - started)
                report.errors.append((ContinuousClock.now, error))
                try? await Task.sleep(for: .milliseconds(20))
            } catch {
                report.problems.append("\(key): untyped error \(error)")
                return report
            }
        }
        return report
    }

    /// Collects what a subscription delivers.
    actor Inbox {
        private(set) var messages: [String] = []
        func add(_ message: RedisPubSubMessage) { messages.append(message.text) }
    }

    /// The running node on which `channel` has a subscriber (`PUBSUB NUMSUB` is per node).
    static func subscribedNode(_ cluster: RedisClusterTestServer, _ channel: String) async -> RedisClusterTestServer.Node? {
        for node in cluster.nodes where node.isRunning {
            if let count = try? await node.run("PUBSUB", "NUMSUB", channel).array?.last?.integer, count > 0 { return node }
        }
        return nil
    }

    @Test("a subscription hears what is published through any node, also after its node is killed", .timeLimit(.minutes(2)))
    func pubSubAcrossTheCluster() async throws {
        try await RedisClusterTestServer.with(nodeTimeout: .seconds(1)) { cluster, client in
            let inbox = Inbox()
            let subscription = client.subscribe(to: ["live:tenant-a"])
            let consumer = Task {
                for try await message in subscription { await inbox.add(message) }
            }
            defer { consumer.cancel() }
            let first = await holdsEventually(within: .seconds(10)) { await Self.subscribedNode(cluster, "live:tenant-a") != nil }
            try #require(first)
            for node in cluster.nodes {
                try await node.run("PUBLISH", "live:tenant-a", "via \(node.port)")
            }
            #expect(await holdsEventually(within: .seconds(10)) { await inbox.messages.count == 6 })
            try await client.publish(channel: "live:tenant-a", message: "via the client")
            #expect(await holdsEventually(within: .seconds(10)) { await inbox.messages.contains("via the client") })

            let listening = try #require(await Self.subscribedNode(cluster, "live:tenant-a"))
            cluster.kill(listening)
            let moved = await holdsEventually(within: .seconds(20)) { await Self.subscribedNode(cluster, "live:tenant-a") != nil }
            #expect(moved, "the subscription did not move to another node")
            let survivor = try #require(cluster.nodes.first { $0.isRunning })
            try await survivor.run("PUBLISH", "live:tenant-a", "after the kill")
            #expect(await holdsEventually(within: .seconds(10)) { await inbox.messages.contains("after the kill") })
        }
    }
}
