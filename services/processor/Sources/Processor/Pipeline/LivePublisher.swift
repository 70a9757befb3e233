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
        var out: [UInt8] = []
        out.reserveCapacity(64 + deltas.count * 110)
        out.append(UInt8(ascii: "{"))
        JSONWriter.appendKey("tenant_id", to: &out)
        JSONWriter.appendString(tenant, to: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("stored_at", to: &out)
        JSONWriter.appendString(RFC3339.format(storedAt), to: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("deltas", to: &out)
        out.append(UInt8(ascii: "["))
        for (index, delta) in deltas.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            JSONWriter.appendKey("minute", to: &out)
            JSONWriter.appendString(RFC3339.format(delta.minute), to: &out)
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("event_type", to: &out)
            JSONWriter.appendString(delta.eventType, to: &out)
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("currency", to: &out)
            JSONWriter.appendString(delta.currency, to: &out)
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("events", to: &out)
            JSONWriter.appendInteger(delta.events, to: &out)
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("amount_minor", to: &out)
            // Digits only (a numeric sum from PostgreSQL), so it is a JSON number as is.
            out.append(contentsOf: Array(delta.amountMinor.utf8))
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: Array("]}".utf8))
        return String(decoding: out, as: UTF8.self)
    }
}
