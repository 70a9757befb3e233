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
        var object = JSONObjectWriter(capacity: 256)
        object.string("tenant_id", tenantID)
        object.string("player_id", playerID)
        object.string("first_seen_at", RFC3339.format(firstSeenAt))
        object.string("last_seen_at", RFC3339.format(lastSeenAt))
        object.string("last_event_type", lastEventType)
        object.string("last_game_id", lastGameID)
        object.integer("events", events)
        object.integer("sessions", sessions)
        object.integer("rounds", rounds)
        return object.finish()
    }
}
