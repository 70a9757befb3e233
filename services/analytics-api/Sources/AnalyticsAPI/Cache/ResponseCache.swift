import Foundation
import GameMetricsHTTP
import Logging
import Metrics
import NIOCore
import Redis

/// Whole responses to repeated request bodies: a dashboard asks the same operation again and
/// again, and serving the stored bytes skips decoding, GraphQL execution and encoding, most of a
/// cached request's CPU (docs/benchmarks.md).
///
/// A response is shared only where it cannot differ between callers. Its key holds the caller's
/// tenant and roles, the tenant's generation (raised by live deltas and erasure, as for
/// ``AnswerCache``), the current UTC minute (answers move with the clock: range alignment and
/// "today" do), and the SHA-256 of the exact body. Platform-admins are never served from it:
/// each of their reads of another tenant must reach the audit log. Only answers without errors
/// to operations of aggregates alone (``GraphQLExecutor/Operation/isShareable``) are stored;
/// a player's summary never is, so erasure has nothing to find here beyond the generation.
struct ResponseCache: Sendable {
    let redis: RedisClient?
    let ttl: Duration
    let logger: Logger

    /// Where `body`'s response for `identity` is kept now; nil when it is not shared (a
    /// platform-admin, the cache off) or Redis does not answer.
    func key(for identity: Identity, body: ByteBuffer, now: Date) async -> String? {
        guard let redis, ttl > .zero, !identity.has(.platformAdmin) else { return nil }
        do {
            let tenant = identity.tenantID
            let generation = try await redis.get(AnswerCache.generationKey(tenant: tenant)) ?? "0"
            let roles = identity.roles.map(\.rawValue).sorted().joined(separator: ",")
            let minute = Int(now.timeIntervalSince1970 / 60)
            return "\(AnswerCache.prefix){\(tenant)}:response:\(generation):\(minute):\(AnswerCache.digest(roles + "\u{0}" + String(buffer: body)))"
        } catch {
            Self.unavailable.increment()
            logger.debug("response cache unavailable", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The stored response under `key`, if any.
    func response(at key: String) async -> [UInt8]? {
        guard let redis else { return nil }
        do {
            guard let bytes = try await redis.getBytes(key) else {
                Self.misses.increment()
                return nil
            }
            Self.hits.increment()
            return bytes
        } catch {
            Self.unavailable.increment()
            return nil
        }
    }

    func store(_ bytes: Data, at key: String) async {
        guard let redis else { return }
        do {
            try await redis.set(key, Array(bytes), ttl: ttl)
        } catch {
            logger.debug("response not cached", metadata: ["error": "\(error)"])
        }
    }

    static let hits = Counter(label: "gm_analytics_response_cache_requests_total", dimensions: [("outcome", "hit")])
    static let misses = Counter(label: "gm_analytics_response_cache_requests_total", dimensions: [("outcome", "miss")])
    static let unavailable = Counter(label: "gm_analytics_response_cache_requests_total", dimensions: [("outcome", "unavailable")])
}
