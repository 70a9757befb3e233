import Foundation
import GameMetricsKit
import Kafka

/// A record of `player.events.processed` as this service reads it: the player's latest state
/// after a batch of their events (the processor's snapshot), of which it needs who, when and
/// the last game played.
struct PlayerActivity: Sendable, Equatable, Decodable {
    struct Unreadable: Error {}

    var tenantID: String
    var playerID: String
    var lastSeenAt: Date
    var lastGameID: String?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id"
        case playerID = "player_id"
        case lastSeenAt = "last_seen_at"
        case lastGameID = "last_game_id"
    }

    init(tenantID: String, playerID: String, lastSeenAt: Date, lastGameID: String?) {
        self.tenantID = tenantID
        self.playerID = playerID
        self.lastSeenAt = lastSeenAt
        self.lastGameID = lastGameID
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tenantID = try container.decode(String.self, forKey: .tenantID)
        playerID = try container.decode(String.self, forKey: .playerID)
        lastGameID = try container.decodeIfPresent(String.self, forKey: .lastGameID)
        let seen = try container.decode(String.self, forKey: .lastSeenAt)
        guard let date = RFC3339.parse(seen) else {
            throw DecodingError.dataCorruptedError(forKey: .lastSeenAt, in: container, debugDescription: "not an RFC 3339 time")
        }
        lastSeenAt = date
    }

    /// The record's activity; nil for a tombstone (an erasure: the participant handles it) or a
    /// record that is not a usable snapshot (counted, passed over: nothing of it can be stored).
    static func read(_ record: KafkaConsumerMessage) -> Result<PlayerActivity, Unreadable>? {
        let value = record.value
        guard !value.isEmpty else { return nil }
        guard let activity = try? JSONDecoder().decode(PlayerActivity.self, from: Data(value)) else { return .failure(Unreadable()) }
        let ids = [activity.tenantID, activity.playerID] + (activity.lastGameID.map { [$0] } ?? [])
        guard ids.allSatisfy({ CatalogueGame.idProblem($0) == nil && !$0.unicodeScalars.contains("\u{0}") }) else { return .failure(Unreadable()) }
        return .success(activity)
    }
}
