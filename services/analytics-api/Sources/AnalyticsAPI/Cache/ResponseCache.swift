import Foundation
import GameMetricsHTTP
import Logging
import Metrics
import NIOCore
import Redis
import Synchronization

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
///
/// After a retirement, one request per instance computes the new response while the others are
/// served the previous generation's, so a retirement costs one computation, not a queue of
/// requests waiting on it. Only one generation back: an erasure retires by two, so nothing from
/// before it is served.
final class ResponseCache: Sendable {
    /// Where one body's response for one caller is kept in the current generation.
    struct Slot: Sendable {
        let current: String
        /// The tenant's generation the lookup read: the operation's answers use the same.
        let generation: Int
        /// This request computes the current response for its instance; ``release(_:)`` after.
        let computing: Bool
    }

    enum Lookup: Sendable {
        case stored([UInt8])
        /// Not stored: execute, then ``store(_:in:)`` into the slot (nil: nothing may be stored).
        case execute(Slot?)
    }

    let redis: RedisClient?
    let ttl: Duration
    let logger: Logger
    private let computing = Mutex<Set<String>>([])

    init(redis: RedisClient?, ttl: Duration, logger: Logger) {
        self.redis = redis
        self.ttl = ttl
        self.logger = logger
    }

    /// The stored response to `body` for `identity`, the previous generation's while another
    /// request of this instance computes the current one, or where to store the one it computes.
    /// One round trip (``lookupScript``): a cached request is mostly this lookup.
    func lookup(identity: Identity, body: ByteBuffer, now: Date) async -> Lookup {
        guard let redis, ttl > .zero, !identity.has(.platformAdmin) else { return .execute(nil) }
        do {
            let tenant = identity.tenantID
            let roles = identity.roles.map(\.rawValue).sorted().joined(separator: ",")
            let minute = Int(now.timeIntervalSince1970 / 60)
            let digest = AnswerCache.digest(roles + "\u{0}" + String(buffer: body))
            let (head, tail) = ("\(AnswerCache.prefix){\(tenant)}:response:", ":\(minute):\(digest)")
            let reply = try await redis.execute(["EVAL", Self.lookupScript, "1", AnswerCache.generationKey(tenant: tenant), head, tail])
            guard let parts = reply.array, let generation = parts.first?.integer else { throw RedisError.unexpectedReply(reply) }
            if let bytes = parts.dropFirst().first?.bytes {
                Self.hits.increment()
                return .stored(bytes)
            }
            let current = head + String(generation) + tail
            let mine = computing.withLock { $0.insert(current).inserted }
            if !mine, let previous = parts.dropFirst(2).first?.bytes {
                Self.stale.increment()
                return .stored(previous)
            }
            Self.misses.increment()
            return .execute(Slot(current: current, generation: generation, computing: mine))
        } catch {
            Self.unavailable.increment()
            logger.debug("response cache unavailable", metadata: ["error": "\(error)"])
            return .execute(nil)
        }
    }

    /// KEYS[1] the tenant's generation; ARGV the response key around the generation. Returns the
    /// generation and the current response, or the generation, nil and the previous generation's
    /// response. Every key holds the tenant's hash tag, so the script stays on one cluster slot.
    static let lookupScript = """
        local generation = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
        local current = redis.call('GET', ARGV[1] .. generation .. ARGV[2])
        if current then return {generation, current} end
        return {generation, false, redis.call('GET', ARGV[1] .. (generation - 1) .. ARGV[2])}
        """

    func store(_ bytes: Data, in slot: Slot) async {
        guard let redis else { return }
        do {
            try await redis.set(slot.current, Array(bytes), ttl: ttl)
        } catch {
            logger.debug("response not cached", metadata: ["error": "\(error)"])
        }
    }

    /// The request that computed `slot`'s response is done, stored or not.
    func release(_ slot: Slot?) {
        guard let slot, slot.computing else { return }
        _ = computing.withLock { $0.remove(slot.current) }
    }

    static let hits = Counter(label: "gm_analytics_response_cache_requests_total", dimensions: [("outcome", "hit")])
    static let stale = Counter(label: "gm_analytics_response_cache_requests_total", dimensions: [("outcome", "previous_generation")])
    static let misses = Counter(label: "gm_analytics_response_cache_requests_total", dimensions: [("outcome", "miss")])
    static let unavailable = Counter(label: "gm_analytics_response_cache_requests_total", dimensions: [("outcome", "unavailable")])
}
