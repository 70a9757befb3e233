import Foundation
import GameMetricsKit

/// What one committed batch changed: how many events were new (the rest were already stored),
/// the per-tenant live deltas of those new events, and the current state of every player the
/// batch mentions (new events or not, so a replayed batch republishes it).
struct StoredBatch: Sendable {
    var newEvents: Int
    var deltas: [LiveDelta]
    var players: [PlayerSnapshot]

    static let empty = StoredBatch(newEvents: 0, deltas: [], players: [])

    /// This batch's changes, then those of `later`, stored after it: a player in both is as
    /// `later` left it.
    func followed(by later: StoredBatch) -> StoredBatch {
        let laterPlayers = Set(later.players.map(\.key))
        return StoredBatch(
            newEvents: newEvents + later.newEvents, deltas: LiveDelta.merged(deltas + later.deltas),
            players: players.filter { !laterPlayers.contains($0.key) } + later.players)
    }
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

    /// One delta per tenant, minute, event type and currency: the lanes of a batch may each
    /// report the same one.
    static func merged(_ deltas: [LiveDelta]) -> [LiveDelta] {
        struct Key: Hashable {
            var tenantID: String, minute: Date, eventType: String, currency: String
        }
        var order: [Key] = []
        var sums: [Key: (events: Int64, amount: Decimal)] = [:]
        for delta in deltas {
            let key = Key(tenantID: delta.tenantID, minute: delta.minute, eventType: delta.eventType, currency: delta.currency)
            let amount = Decimal(string: delta.amountMinor) ?? 0
            if let sum = sums[key] {
                sums[key] = (sum.events + delta.events, sum.amount + amount)
            } else {
                order.append(key)
                sums[key] = (delta.events, amount)
            }
        }
        return order.map { key in
            let sum = sums[key]!
            return LiveDelta(
                tenantID: key.tenantID, minute: key.minute, eventType: key.eventType, currency: key.currency,
                events: sum.events, amountMinor: "\(sum.amount)")
        }
    }
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

    var key: [UInt8] { PlayerKey.bytes(tenantID: tenantID, playerID: playerID) }

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
