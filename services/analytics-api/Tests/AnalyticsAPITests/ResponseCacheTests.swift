import Foundation
import GameMetricsHTTP
import GameMetricsTesting
import Logging
import NIOCore
import Redis
import Testing

@testable import AnalyticsAPI

@Suite("whole responses: shared per tenant and role set, the previous generation served while one request recomputes, never across an erasure")
struct ResponseCacheTests {
    static let logger = Logger(label: "response-cache-test")
    static let body = ByteBuffer(string: #"{"query":"{ overview(from: \"2026-12-01T00:00:00Z\", to: \"2026-12-02T00:00:00Z\") { events } }"}"#)

    static func text(_ lookup: ResponseCache.Lookup) -> String? {
        guard case .stored(let bytes) = lookup else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func slot(_ lookup: ResponseCache.Lookup) -> ResponseCache.Slot? {
        guard case .execute(let slot) = lookup else { return nil }
        return slot
    }

    @Test("after a delta one request computes while the others get the previous response; after an erasure nobody does")
    func previousGenerationWhileRecomputing() async throws {
        try await RedisTestServer.with { _, redis in
            let answers = AnswerCache(redis: redis, ttl: .seconds(60), logger: Self.logger)
            let responses = ResponseCache(redis: redis, ttl: .seconds(60), logger: Self.logger)
            let viewer = Identity(tenantID: "a", subject: "u1", roles: [.viewer])
            let now = Date()
            func lookup(_ identity: Identity = viewer) async -> ResponseCache.Lookup {
                await responses.lookup(identity: identity, body: Self.body, now: now)
            }

            let first = try #require(Self.slot(await lookup()))
            #expect(first.computing)
            await responses.store(Data("generation 0".utf8), in: first)
            responses.release(first)
            #expect(Self.text(await lookup(Identity(tenantID: "a", subject: "another viewer", roles: [.viewer]))) == "generation 0")

            try await answers.retire(tenant: "a")
            let second = try #require(Self.slot(await lookup()))
            #expect(second.computing)
            #expect(first.generation == 0 && second.generation == 1, "the generation the operation's answers are read at")
            #expect(Self.text(await lookup()) == "generation 0", "the previous generation while one request computes")
            await responses.store(Data("generation 1".utf8), in: second)
            responses.release(second)
            #expect(Self.text(await lookup()) == "generation 1")

            _ = try await answers.erase(tenant: "a", player: "p1")
            let third = try #require(Self.slot(await lookup()))
            let fourth = try #require(Self.slot(await lookup()), "nothing from before the erasure is served")
            #expect(third.computing && !fourth.computing)
            responses.release(third)

            // Another tenant and another role set have their own; a platform-admin none at all.
            #expect(Self.slot(await lookup(Identity(tenantID: "b", subject: "u1", roles: [.viewer]))) != nil)
            #expect(Self.slot(await lookup(Identity(tenantID: "a", subject: "u1", roles: [.operator]))) != nil)
            guard case .execute(nil) = await lookup(Identity(tenantID: "a", subject: "root", roles: [.platformAdmin])) else {
                Issue.record("a platform-admin was given a place in the shared responses")
                return
            }
        }
    }

    @Test("an answer read at the generation the response lookup gave is stored under it, without reading the generation again")
    func answersUseTheLookupsGeneration() async throws {
        try await RedisTestServer.with { _, redis in
            let answers = AnswerCache(redis: redis, ttl: .seconds(60), logger: Self.logger)
            let answer = try await answers.answer(tenant: "a", field: "events", arguments: "day", generation: 5, memo: Memo()) { 42.0 }
            #expect(answer == 42)
            let keys = (try await redis.execute(["KEYS", "\(AnswerCache.prefix){a}:answer:*"]).array ?? []).compactMap(\.string)
            #expect(keys.count == 1 && keys.allSatisfy { $0.contains(":answer:5:") }, "\(keys)")
        }
    }
}
