import GameMetricsTesting
import Redis
import Testing

@Suite("Redis publish/subscribe")
struct RedisPubSubTests {
    /// Collects what a subscription delivers, so the test can wait for a count.
    actor Inbox {
        private(set) var messages: [RedisPubSubMessage] = []
        func add(_ message: RedisPubSubMessage) { messages.append(message) }
    }

    static func subscriberCount(_ client: RedisClient, _ channel: String) async throws -> Int {
        let reply = try await client.execute(["PUBSUB", "NUMSUB", channel])
        return reply.array?.last?.integer ?? -1
    }

    @Test("a subscriber receives published messages in order and its sequence ends when its task is cancelled")
    func receivesAndEndsOnCancel() async throws {
        try await RedisTestServer.with { _, client in
            let inbox = Inbox()
            let subscription = client.subscribe(to: ["scores", "wins"])
            let consumer = Task {
                for try await message in subscription {
                    await inbox.add(message)
                }
            }
            #expect(try await holdsEventually { try await Self.subscriberCount(client, "wins") == 1 })
            #expect(try await client.publish(channel: "scores", message: "first") == 1)
            #expect(try await client.publish(channel: "wins", message: "second") == 1)
            #expect(try await client.publish(channel: "scores", message: "{\"player\":\"p1\"}") == 1)
            #expect(try await client.publish(channel: "nobody-listens", message: "lost") == 0)
            #expect(await holdsEventually { await inbox.messages.count == 3 })
            let messages = await inbox.messages
            #expect(messages.map(\.channel) == ["scores", "wins", "scores"])
            #expect(messages.map(\.text) == ["first", "second", "{\"player\":\"p1\"}"])

            consumer.cancel()
            try await consumer.value  // ends cleanly, without throwing
            // Its dedicated connection is closed, so the server forgets the subscriber.
            #expect(try await holdsEventually { try await Self.subscriberCount(client, "scores") == 0 })
        }
    }

    @Test("a pattern subscription receives every matching channel's messages, each named by its channel, and no others")
    func patternSubscription() async throws {
        try await RedisTestServer.with { _, client in
            let inbox = Inbox()
            let subscription = client.subscribe(toPatterns: ["live:*"])
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    for try await message in subscription { await inbox.add(message) }
                }
                #expect(try await holdsEventually { try await client.execute(["PUBSUB", "NUMPAT"]).integer == 1 })
                let receivers = [
                    try await client.publish(channel: "live:tenant-a", message: "a1"), try await client.publish(channel: "other:tenant-a", message: "lost"),
                    try await client.publish(channel: "live:tenant-b", message: "b1"),
                ]
                #expect(receivers == [1, 0, 1])
                #expect(await holdsEventually { await inbox.messages.count == 2 })
                let messages = await inbox.messages
                #expect(messages.map(\.channel) == ["live:tenant-a", "live:tenant-b"])
                #expect(messages.map(\.text) == ["a1", "b1"])
                group.cancelAll()
            }
        }
    }

    @Test("a subscription reconnects and resubscribes after the server restarts")
    func resubscribesAfterRestart() async throws {
        try await RedisTestServer.with { server, client in
            let inbox = Inbox()
            let subscription = client.subscribe(to: ["events"])
            let consumer = Task {
                for try await message in subscription {
                    await inbox.add(message)
                }
            }
            #expect(try await holdsEventually { try await client.publish(channel: "events", message: "before") == 1 })
            #expect(await holdsEventually { await inbox.messages.count == 1 })

            server.stop()
            try await server.start()

            // The server starts with no subscribers; the client's subscription comes back by itself.
            #expect(try await holdsEventually { try await client.publish(channel: "events", message: "after") == 1 })
            #expect(await holdsEventually { await inbox.messages.contains { $0.text == "after" } })
            #expect(await inbox.messages.first?.text == "before")

            consumer.cancel()
            try await consumer.value
        }
    }

    @Test("shutting the client down ends its subscriptions")
    func shutdownEndsSubscription() async throws {
        try await RedisTestServer.with { _, client in
            let subscription = client.subscribe(to: ["alerts"])
            let consumer = Task {
                var received = 0
                for try await _ in subscription { received += 1 }
                return received
            }
            #expect(try await holdsEventually { try await Self.subscriberCount(client, "alerts") == 1 })
            try await client.publish(channel: "alerts", message: "one")
            await client.shutdown()
            #expect(try await consumer.value <= 1)
        }
    }
}
