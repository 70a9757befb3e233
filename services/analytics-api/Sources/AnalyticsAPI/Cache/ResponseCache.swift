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
    /// Where one body's response for one caller is kept, now and one generation ago.
    struct Slot: Sendable {
        let current: String
        let previous: String
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
    func lookup(identity: Identity, body: ByteBuffer, now: Date) async -> Lookup {
        guard let redis, ttl > .zero, !identity.has(.platformAdmin) else { return .execute(nil) }
        do {
            let tenant = identity.tenantID
            let generation = Int(try await redis.get(AnswerCache.generationKey(tenant: tenant)) ?? "0") ?? 0
            let roles = identity.roles.map(\.rawValue).sorted().joined(separator: ",")
            let minute = Int(now.timeIntervalSince1970 / 60)
            let digest = AnswerCache.digest(roles + "\u{0}" + String(buffer: body))
            let key = { (generation: Int) in "\(AnswerCache.prefix){\(tenant)}:response:\(generation):\(minute):\(digest)" }
            if let bytes = try await redis.getBytes(key(generation)) {
                Self.hits.increment()
                return .stored(bytes)
            }
            let mine = computing.withLock { $0.insert(key(generation)).inserted }
            if !mine, let previous = try await redis.getBytes(key(generation - 1)) {
                Self.stale.increment()
                return .stored(previous)
            }
            Self.misses.increment()
            return .execute(Slot(current: key(generation), previous: key(generation - 1), computing: mine))
        } catch {
            Self.unavailable.increment()
            logger.debug("response cache unavailable", metadata: ["error": "\(error)"])
            return .execute(nil)
        }
    }

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
