import Foundation
import GameMetricsKit

/// What one committed batch changed: how many events were new (the rest were already stored),
/// the per-tenant live deltas of those new events, and the current state of every player the
/// batch mentions (new events or not, so a replayed batch republishes it).
struct StoredBatch: Sendable {
    var newEvents: Int
    var deltas: [LiveDelta]
    var players: [PlayerSnapshot]
}

/// The change a batch made to one tenant's minute of one event type and currency.
struct LiveDelta: Sendable, Equatable {
    var tenantID: String
    var minute: Date
    var eventType: String
    /// '' for events without an amount.
    var currency: String
    var events: Int64
    /// Decimal digits: a sum of minor units may exceed Int64.
    var amountMinor: String
}

/// The latest state of a player, as published on `player.events.processed`.
struct PlayerSnapshot: Sendable, Equatable {
    var tenantID: String
    var playerID: String
    var firstSeenAt: Date
    var lastSeenAt: Date
    var lastEventType: String
    var lastGameID: String?
    var events: Int64
    var sessions: Int64
    var rounds: Int64

    var key: [UInt8] { Array("\(tenantID):\(playerID)".utf8) }

    func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "{"))
        JSONWriter.appendKey("tenant_id", to: &out)
        JSONWriter.appendString(tenantID, to: &out)
        let texts: [(StaticString, String)] = [("player_id", playerID), ("first_seen_at", RFC3339.format(firstSeenAt)),
                             ("last_seen_at", RFC3339.format(lastSeenAt)), ("last_event_type", lastEventType)]
        for (key, value) in texts {
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey(key, to: &out)
            JSONWriter.appendString(value, to: &out)
        }
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("last_game_id", to: &out)
        if let lastGameID { JSONWriter.appendString(lastGameID, to: &out) } else { out.append(contentsOf: Array("null".utf8)) }
        let counts: [(StaticString, Int64)] = [("events", events), ("sessions", sessions), ("rounds", rounds)]
        for (key, value) in counts {
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey(key, to: &out)
            JSONWriter.appendInteger(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
