import Foundation
import Logging
import Metrics
import Redis
import ServiceLifecycle
import Synchronization

/// Receives the processor's live deltas (Redis pub/sub, every tenant's channel), has the
/// tenant's cached answers retired (``CacheRetirement``), and hands each update to that tenant's subscriptions on this instance.
final class LiveMetricsHub: Service, Sendable {
    private struct Subscribers {
        var byTenant: [String: [UInt64: LiveFeed]] = [:]
        var nextID: UInt64 = 0
        var isClosed = false
    }

    private let redis: RedisClient
    private let channelPrefix: String
    private let retirement: CacheRetirement
    private let capacity: Int
    private let logger: Logger
    private let subscribers = Mutex(Subscribers())

    init(redis: RedisClient, channelPrefix: String, retirement: CacheRetirement, capacity: Int, logger: Logger) {
        self.redis = redis
        self.channelPrefix = channelPrefix
        self.retirement = retirement
        self.capacity = capacity
        self.logger = logger
    }

    func run() async throws {
        let messages = redis.subscribe(toPatterns: [Self.globEscaped(channelPrefix) + "*"])
        try? await cancelWhenGracefulShutdown {
            for try await message in messages {
                await self.receive(message)
            }
        }
        let feeds = subscribers.withLock { state in
            state.isClosed = true
            defer { state.byTenant = [:] }
            return state.byTenant.values.flatMap(\.values)
        }
        for feed in feeds { feed.finish() }
    }

    /// A new subscription to `tenant`'s updates; it ends when ``unsubscribe(_:)`` is called, when
    /// it falls behind, or when the service stops.
    func subscribe(tenant: String) -> LiveFeed {
        let feed = subscribers.withLock { state -> LiveFeed in
            state.nextID += 1
            let feed = LiveFeed(id: state.nextID, tenant: tenant, capacity: capacity)
            if state.isClosed {
                feed.finish()
            } else {
                state.byTenant[tenant, default: [:]][feed.id] = feed
            }
            return feed
        }
        Self.subscriptions.record(count)
        return feed
    }

    func unsubscribe(_ feed: LiveFeed) {
        subscribers.withLock { state in
            state.byTenant[feed.tenant]?[feed.id] = nil
            if state.byTenant[feed.tenant]?.isEmpty == true { state.byTenant[feed.tenant] = nil }
        }
        feed.finish()
        Self.subscriptions.record(count)
    }

    var count: Int { subscribers.withLock { $0.byTenant.values.reduce(0) { $0 + $1.count } } }

    private func receive(_ message: RedisPubSubMessage) async {
        let tenant = String(message.channel.dropFirst(channelPrefix.count))
        guard let update = try? JSONDecoder().decode(ProcessorLiveMessage.self, from: Data(message.payload)).update, update.tenantId == tenant else {
            Self.malformed.increment()
            logger.warning("live delta ignored: not the processor's message for its channel", metadata: ["channel": "\(message.channel)"])
            return
        }
        Self.updates.increment()
        await retirement.deltaArrived(tenant: tenant)
        let feeds = subscribers.withLock { Array(($0.byTenant[tenant] ?? [:]).values) }
        guard !feeds.isEmpty else { return }
        let event = LiveEvent(update: update)
        for feed in feeds where !feed.deliver(event) {
            Self.dropped.increment()
            subscribers.withLock { _ = $0.byTenant[tenant]?.removeValue(forKey: feed.id) }
        }
    }

    /// `PSUBSCRIBE` treats `*?[\` as glob syntax; the prefix is matched literally.
    static func globEscaped(_ prefix: String) -> String {
        var escaped = ""
        for character in prefix {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    static let updates = Counter(label: "gm_analytics_live_updates_total")
    static let malformed = Counter(label: "gm_analytics_live_malformed_total")
    static let dropped = Counter(label: "gm_analytics_live_subscribers_dropped_total")
    static let subscriptions = Gauge(label: "gm_analytics_live_subscriptions")
}

/// The processor's message (`LivePublisher`): snake_case keys, amounts as JSON numbers.
struct ProcessorLiveMessage: Decodable {
    struct Delta: Decodable {
        let minute: String
        let event_type: String
        let currency: String
        let events: Double
        let amount_minor: Double
    }

    let tenant_id: String
    let stored_at: String
    let deltas: [Delta]

    var update: LiveMetricsUpdate {
        LiveMetricsUpdate(
            tenantId: tenant_id, storedAt: stored_at,
            deltas: deltas.map { LiveDelta(minute: $0.minute, eventType: $0.event_type, currency: $0.currency, events: $0.events, amountMinor: $0.amount_minor) })
    }
}
