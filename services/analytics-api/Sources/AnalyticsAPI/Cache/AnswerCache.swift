import GameMetricsAuth
import Foundation
import Logging
import Metrics
import Redis

/// Answers of the expensive root fields, cached in Redis per tenant.
///
/// Every key holds its tenant, and the tenant's generation: `gm:analytics-api:{<tenant>}:generation`
/// goes up with every live delta of the tenant (``LiveMetricsHub``) and every erasure, so an
/// answer computed before new data was stored is never read again; `ttl` bounds the rest (a
/// delta lost while Redis was away). Answers about one player are also listed under the
/// player's key, so erasure deletes them. The `{<tenant>}` hash tag keeps a tenant's keys on
/// one Redis Cluster slot. Redis trouble only costs speed: the answer is computed.
struct AnswerCache: Sendable {
    let redis: RedisClient?
    let ttl: Duration
    let logger: Logger
    /// Concurrent misses of one key wait for one computation.
    let computations = SharedComputations()

    static let prefix = "gm:analytics-api:"

    static func generationKey(tenant: String) -> String { "\(prefix){\(tenant)}:generation" }

    static func playerIndexKey(tenant: String, player: String) -> String {
        "\(prefix){\(tenant)}:player:\(digest(tenant + "\u{0}" + player))"
    }

    /// The answer to `field` with `arguments` (a canonical description of everything the answer
    /// depends on besides the tenant), from the cache or from `compute`. The tenant's generation
    /// is `known` (read by the response cache's lookup) or read once per operation (`memo`).
    func answer<Answer: Codable & Sendable>(
        tenant: String, field: String, arguments: String, player: String? = nil, generation known: Int? = nil, memo: Memo,
        compute: () async throws -> Answer
    ) async throws -> Answer {
        guard let redis, ttl > .zero else { return try await compute() }
        do {
            let generation =
                if let known { String(known) } else {
                    try await memo.value(for: "generation\u{0}\(tenant)") { try await redis.get(Self.generationKey(tenant: tenant)) ?? "0" }
                }
            let key = "\(Self.prefix){\(tenant)}:answer:\(generation):\(field):\(Self.digest(arguments))"
            if let bytes = try await redis.getBytes(key), let cached = try? JSONDecoder().decode(Answer.self, from: Data(bytes)) {
                Self.hits.increment()
                return cached
            }
            Self.misses.increment()
            let encoded = try await computations.answer(for: key) {
                let answer = try await compute()
                let encoded = try JSONEncoder().encode(answer)
                await store(encoded, key: key, tenant: tenant, player: player, on: redis)
                return encoded
            }
            return try JSONDecoder().decode(Answer.self, from: encoded)
        } catch let error as RedisError {
            Self.unavailable.increment()
            logger.debug("answer cache unavailable", metadata: ["error": "\(error)"])
            return try await compute()
        }
    }

    private func store(_ bytes: Data, key: String, tenant: String, player: String?, on redis: RedisClient) async {
        let milliseconds = String(ttl.components.seconds * 1_000 + ttl.components.attoseconds / 1_000_000_000_000_000)
        var commands: [[String]] = [["SET", key, String(decoding: bytes, as: UTF8.self), "PX", milliseconds]]
        if let player {
            let index = Self.playerIndexKey(tenant: tenant, player: player)
            commands += [["SADD", index, key], ["PEXPIRE", index, milliseconds]]
        }
        do {
            _ = try await redis.pipeline(commands)
        } catch {
            logger.debug("answer not cached", metadata: ["error": "\(error)"])
        }
    }

    /// Retires every cached answer of `tenant` (new data arrived). An erasure retires by two: a
    /// response one generation old may be served while its successor is computed
    /// (``ResponseCache``), never one from before an erasure.
    func retire(tenant: String, generations: Int = 1) async throws {
        guard let redis else { return }
        _ = try await redis.increment(Self.generationKey(tenant: tenant), by: generations)
    }

    /// Deletes the cached answers about `player` and retires the tenant's others, which may
    /// count the player. Returns how many keys it deleted.
    func erase(tenant: String, player: String) async throws -> Int {
        guard let redis else { return 0 }
        let index = Self.playerIndexKey(tenant: tenant, player: player)
        let keys = (try await redis.execute(["SMEMBERS", index]).array ?? []).compactMap(\.string)
        let deleted = try await redis.delete(keys + [index])
        try await retire(tenant: tenant, generations: 2)
        return deleted
    }

    static func digest(_ text: String) -> String {
        OpaqueToken.fingerprint(text)
    }

    static let hits = Counter(label: "gm_analytics_cache_requests_total", dimensions: [("outcome", "hit")])
    static let misses = Counter(label: "gm_analytics_cache_requests_total", dimensions: [("outcome", "miss")])
    static let unavailable = Counter(label: "gm_analytics_cache_requests_total", dimensions: [("outcome", "unavailable")])
}
