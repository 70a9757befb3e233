import Foundation
import GameMetricsKit

/// Writes ``SimulatedEvent``s as the JSON ingestion reads, straight into a byte buffer (no
/// `JSONEncoder`, no intermediate strings): keys in envelope order, `event_id` as a lowercase
/// UUID, `occurred_at` as RFC 3339 UTC with microseconds, and no `tenant_id` (the server takes
/// the tenant from the write key).
///
/// The date part of the timestamp is formatted once per second of virtual time and reused, as
/// successive events mostly fall in the same second.
struct EventJSONEncoder: Sendable {
    private var cachedSecond: Int64 = .min
    /// `YYYY-MM-DDTHH:MM:SS` of ``cachedSecond``.
    private var cachedPrefix: [UInt8] = []

    init() {}

    /// The JSON of one event.
    mutating func encode(_ event: SimulatedEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(384)
        append(event, to: &out)
        return out
    }

    /// Appends the JSON of `event` to `out`.
    mutating func append(_ event: SimulatedEvent, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"event_id":""#.utf8)
        UUIDText.append(event.eventID, to: &out)
        out.append(contentsOf: #"","player_id":"#.utf8)
        JSONWriter.appendString(event.playerID, to: &out)
        out.append(contentsOf: #","type":""#.utf8)
        out.append(contentsOf: event.type.rawValue.utf8)
        out.append(contentsOf: #"","occurred_at":""#.utf8)
        appendTimestamp(event.occurredAtMicros, to: &out)
        out.append(UInt8(ascii: "\""))
        if let gameID = event.gameID {
            out.append(contentsOf: #","game_id":"#.utf8)
            JSONWriter.appendString(gameID, to: &out)
        }
        if let amount = event.amount {
            out.append(contentsOf: #","amount":{"minor":"#.utf8)
            JSONWriter.appendInteger(amount.minor, to: &out)
            out.append(contentsOf: #","currency":"#.utf8)
            JSONWriter.appendString(amount.currency, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #","properties":{"#.utf8)
        for (i, property) in event.properties.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(property.key, to: &out)
            out.append(UInt8(ascii: ":"))
            switch property.value {
            case .int(let value):
                JSONWriter.appendInteger(value, to: &out)
            case .string(let value):
                JSONWriter.appendString(value, to: &out)
            case .uuid(let value):
                out.append(UInt8(ascii: "\""))
                UUIDText.append(value, to: &out)
                out.append(UInt8(ascii: "\""))
            }
        }
        out.append(contentsOf: "}}".utf8)
    }

    // MARK: Pieces

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    mutating func appendTimestamp(_ micros: Int64, to out: inout [UInt8]) {
        var second = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            second -= 1
        }
        if second != cachedSecond {
            // RFC3339.format gives "YYYY-MM-DDTHH:MM:SS.000000Z" for a whole second.
            cachedPrefix = Array(RFC3339.format(Date(timeIntervalSince1970: Double(second))).utf8.prefix(19))
            cachedSecond = second
        }
        out.append(contentsOf: cachedPrefix)
        out.append(UInt8(ascii: "."))
        var divisor: Int64 = 100_000
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
        out.append(UInt8(ascii: "Z"))
    }
}
