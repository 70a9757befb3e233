import Foundation
import GameMetricsKit
import Logging
import Redis

/// Publishes each committed batch's deltas per tenant on Redis pub/sub, for analytics-api to
/// push to dashboards. Best effort: a delta lost while Redis is down is not replayed, since
/// dashboards read the stored aggregates when they (re)connect.
struct LivePublisher: Sendable {
    let redis: RedisClient?
    let channelPrefix: String
    let logger: Logger

    func publish(_ deltas: [LiveDelta], storedAt: Date) async {
        guard let redis, !deltas.isEmpty else { return }
        let byTenant = Dictionary(grouping: deltas, by: \.tenantID)
        for (tenant, deltas) in byTenant {
            do {
                _ = try await redis.publish(channel: channelPrefix + tenant, message: Self.message(tenant: tenant, deltas: deltas, storedAt: storedAt))
            } catch {
                ProcessorMetrics.liveDeltasDropped.increment()
                logger.debug("live delta not published", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            }
        }
    }

    /// `{"tenant_id":..,"stored_at":..,"deltas":[{"minute":..,"event_type":..,"currency":..,"events":N,"amount_minor":N}]}`
    static func message(tenant: String, deltas: [LiveDelta], storedAt: Date) -> String {
        var list: [UInt8] = [UInt8(ascii: "[")]
        for (index, delta) in deltas.enumerated() {
            if index > 0 { list.append(UInt8(ascii: ",")) }
            var object = JSONObjectWriter()
            object.string("minute", RFC3339.format(delta.minute))
            object.string("event_type", delta.eventType)
            object.string("currency", delta.currency)
            object.integer("events", delta.events)
            // Digits only (a numeric sum from PostgreSQL), so it is a JSON number as is.
            object.json("amount_minor", delta.amountMinor.utf8)
            list.append(contentsOf: object.finish())
        }
        list.append(UInt8(ascii: "]"))
        var message = JSONObjectWriter(capacity: 64 + list.count)
        message.string("tenant_id", tenant)
        message.string("stored_at", RFC3339.format(storedAt))
        message.json("deltas", list)
        return String(decoding: message.finish(), as: UTF8.self)
    }
}
