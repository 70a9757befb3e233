import GameMetricsTesting
import Redis
import Testing

@Suite("Redis commands against a real server")
struct RedisCommandTests {
    @Test("ping answers and a set value reads back, a missing key reads as nil")
    func setAndGet() async throws {
        try await RedisTestServer.with { _, client in
            try await client.ping()
            try await client.set("player:1:name", "Ada")
            #expect(try await client.get("player:1:name") == "Ada")
            #expect(try await client.get("player:404:name") == nil)
        }
    }

    @Test("binary values with NUL and non-UTF-8 bytes round-trip unchanged")
    func binarySafe() async throws {
        try await RedisTestServer.with { _, client in
            let value: [UInt8] = [0, 1, 0xFF, 0xFE, 13, 10, 0, 42]
            try await client.set("blob", value)
            #expect(try await client.getBytes("blob") == value)
            #expect(try await client.getBytes("no-blob") == nil)
        }
    }

    @Test("a value set with a TTL expires after it")
    func ttlExpiry() async throws {
        try await RedisTestServer.with { _, client in
            // A long TTL to read back (a loaded machine must not expire it first), a short one to expire.
            try await client.set("session", "live", ttl: .seconds(30))
            #expect(try await client.get("session") == "live")
            let remaining = try await client.execute(["PTTL", "session"]).integer
            #expect((1...30_000).contains(remaining ?? -1))
            try await client.set("short", "live", ttl: .milliseconds(100))
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await client.get("short") == nil)
        }
    }

    @Test("set onlyIfAbsent writes the first value only")
    func setIfAbsent() async throws {
        try await RedisTestServer.with { _, client async throws in
            #expect(try await client.set("lock", "owner-a", ttl: .seconds(5), onlyIfAbsent: true))
            #expect(try await !client.set("lock", "owner-b", onlyIfAbsent: true))
            #expect(try await client.get("lock") == "owner-a")
        }
    }

    @Test("delete reports how many of the keys existed")
    func deleteCounts() async throws {
        try await RedisTestServer.with { _, client in
            try await client.set("a", "1")
            try await client.set("b", "2")
            #expect(try await client.delete("a", "b", "c") == 2)
            #expect(try await client.get("a") == nil)
            #expect(try await client.delete("a") == 0)
            #expect(try await client.delete([]) == 0)
        }
    }

    @Test("increment counts by the given amount and rejects a non-integer value with serverError")
    func incrementCounts() async throws {
        try await RedisTestServer.with { _, client in
            #expect(try await client.increment("bets") == 1)
            #expect(try await client.increment("bets", by: 41) == 42)
            #expect(try await client.increment("bets", by: -2) == 40)
            try await client.set("name", "Ada")
            await #expect {
                try await client.increment("name")
            } throws: { error in
                guard case .serverError(let message) = error as? RedisError else { return false }
                return message.contains("not an integer")
            }
        }
    }

    @Test("expire puts a deadline on an existing key and reports false for a missing one")
    func expireKeys() async throws {
        try await RedisTestServer.with { _, client in
            try await client.set("token", "t")
            #expect(try await client.expire("token", after: .milliseconds(100)))
            #expect(try await !client.expire("missing", after: .seconds(1)))
            try await Task.sleep(for: .milliseconds(250))
            #expect(try await client.get("token") == nil)
        }
    }

    @Test("execute returns arrays and turns an error reply into serverError")
    func executeGeneric() async throws {
        try await RedisTestServer.with { _, client in
            #expect(try await client.execute(["RPUSH", "games", "slots", "poker", "blackjack"]) == .integer(3))
            let range = try await client.execute(["LRANGE", "games", "0", "-1"])
            #expect(range.array?.compactMap(\.string) == ["slots", "poker", "blackjack"])
            #expect(try await client.execute(["HGET", "nohash", "field"]) == .null)
            await #expect {
                try await client.execute(["NOSUCHCOMMAND", "x"])
            } throws: { error in
                guard case .serverError(let message) = error as? RedisError else { return false }
                return message.hasPrefix("ERR")
            }
        }
    }

    @Test("a pipeline returns every reply in order, with an error reply in its own slot")
    func pipelineReplies() async throws {
        try await RedisTestServer.with { _, client in
            let replies = try await client.pipeline([
                ["SET", "p", "1"],
                ["INCR", "p"],
                ["LPUSH", "p", "x"],  // WRONGTYPE: p holds a string
                ["GET", "p"],
                ["GET", "missing"],
            ])
            try #require(replies.count == 5)
            #expect(replies[0] == .status("OK"))
            #expect(replies[1] == .integer(2))
            guard case .error(let message) = replies[2] else {
                Issue.record("expected an error reply, got \(replies[2])")
                return
            }
            #expect(message.hasPrefix("WRONGTYPE"))
            #expect(replies[3].string == "2")
            #expect(replies[4] == .null)
            #expect(try await client.pipeline([]).isEmpty)
        }
    }

    @Test("a command slower than commandTimeout throws timeout, and the next command works")
    func commandTimeout() async throws {
        try await RedisTestServer.with(commandTimeout: .milliseconds(300)) { _, client in
            let start = ContinuousClock.now
            await #expect(throws: RedisError.timeout) {
                try await client.execute(["BLPOP", "empty-queue", "30"])
            }
            // Far below the server's own 30 s: the client gave up, the server did not answer.
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .seconds(15))
            try await client.set("after-timeout", "ok")
            #expect(try await client.get("after-timeout") == "ok")
        }
    }

    @Test("a caller waiting for a busy pool leaves the queue with CancellationError when cancelled")
    func waiterCancellation() async throws {
        try await RedisTestServer.with(poolSize: 1, commandTimeout: .seconds(10)) { _, client in
            let blocker = Task { try await client.execute(["BLPOP", "never-filled", "4"]) }
            try await Task.sleep(for: .milliseconds(100))  // let BLPOP take the only connection
            let waiter = Task { try await client.get("anything") }
            try await Task.sleep(for: .milliseconds(100))
            let cancelledAt = ContinuousClock.now
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            // Well before the blocker frees the connection (4 s): the waiter left the queue itself.
            #expect(ContinuousClock.now - cancelledAt < .seconds(3))
            #expect(try await blocker.value == .null)  // BLPOP timed out on the server side
            try await client.ping()
        }
    }

    @Test("nothing listening on the port throws connectionFailed, quickly")
    func connectionRefused() async throws {
        let server = try RedisTestServer()  // picks a free port but never starts
        defer { server.remove() }
        let client = RedisClient(configuration: try RedisConfiguration(url: server.url, connectTimeout: .milliseconds(500)))
        await #expect {
            try await client.ping()
        } throws: { error in
            guard case .connectionFailed = error as? RedisError else { return false }
            return true
        }
        await client.shutdown()
    }

    @Test("after shutdown, commands throw poolClosed")
    func shutdownClosesPool() async throws {
        try await RedisTestServer.with { _, client in
            try await client.ping()
            await client.shutdown()
            await #expect(throws: RedisError.poolClosed) { try await client.ping() }
            await #expect(throws: RedisError.poolClosed) { try await client.set("k", "v") }
        }
    }
}
