import Foundation
import GameMetricsHTTP
import Logging
import Redis

/// Served lists in Redis, per player: one hash `gm:rec:{tenant:player}:lists` whose fields are
/// `model:limit`, and a generation counter `gm:rec:{tenant:player}:gen` that the player's new
/// activity increments (and that deletes the hash). A list stored under an older generation than
/// the current one is a miss, so a list computed before the activity but stored after it is
/// never served. Both keys share a hash tag: one node, one pipeline, in cluster mode too.
struct RecommendationCache: Sendable {
    let redis: RedisClient
    let ttl: Duration
    let logger: Logger

    struct Lookup: Sendable {
        /// The player's generation when looked up: a fill stores it beside the list.
        var generation: Int
        var list: ServedList?
    }

    static func keys(tenantID: String, playerID: String) -> (lists: String, generation: String) {
        let tag = "gm:rec:{\(tenantID):\(playerID)}"
        return (tag + ":lists", tag + ":gen")
    }

    static func field(modelID: Int64?, limit: Int) -> String { "\(modelID ?? 0):\(limit)" }

    func lookup(tenantID: String, playerID: String, modelID: Int64?, limit: Int) async throws -> Lookup {
        let keys = Self.keys(tenantID: tenantID, playerID: playerID)
        let replies = try await redis.pipeline([["GET", keys.generation], ["HGET", keys.lists, Self.field(modelID: modelID, limit: limit)]])
        let generation = replies.first?.string.flatMap { Int($0) } ?? 0
        guard replies.count == 2, let stored = replies[1].string, let separator = stored.firstIndex(of: "|"),
            Int(stored[..<separator]) == generation
        else { return Lookup(generation: generation, list: nil) }
        let list = try? JSONDecoder.api.decode(ServedList.self, from: Data(stored[stored.index(after: separator)...].utf8))
        return Lookup(generation: generation, list: list)
    }

    func store(_ list: ServedList, tenantID: String, modelID: Int64?, limit: Int, generation: Int) async throws {
        let keys = Self.keys(tenantID: tenantID, playerID: list.playerID)
        let json = String(decoding: try JSONEncoder.api.encode(list), as: UTF8.self)
        _ = try await redis.pipeline([
            ["HSET", keys.lists, Self.field(modelID: modelID, limit: limit), "\(generation)|\(json)"],
            ["EXPIRE", keys.lists, "\(ttl.components.seconds)"],
        ])
    }

    /// After new activity of these players: their lists are gone, and a fill in flight is stale.
    /// The counter outlives any list stored under it (twice the TTL, renewed each time).
    func invalidate(_ players: [TenantPlayer]) async throws {
        guard !players.isEmpty else { return }
        var commands: [[String]] = []
        for player in players {
            let keys = Self.keys(tenantID: player.tenantID, playerID: player.playerID)
            commands += [["INCR", keys.generation], ["EXPIRE", keys.generation, "\(ttl.components.seconds * 2)"], ["DEL", keys.lists]]
        }
        for reply in try await redis.pipeline(commands) {
            if case .error(let message) = reply { throw RedisError.serverError(message) }
        }
    }

    /// Erasure: both keys go.
    func erase(tenantID: String, playerID: String) async throws -> Int {
        let keys = Self.keys(tenantID: tenantID, playerID: playerID)
        return try await redis.delete([keys.lists, keys.generation])
    }
}
