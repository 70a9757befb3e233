import Foundation
import GameMetricsKit

/// The event hot path: reading and validating a client's event (JSONScanner + EventValidator)
/// against Foundation's readers, and writing the normalized record (JSONWriter) against
/// JSONEncoder. Foundation only parses and encodes; ours validates too.
enum JSONComparison {
    struct Envelope: Codable {
        struct Amount: Codable { let minor: Int64; let currency: String }
        let event_id: UUID, player_id: String, type: String, occurred_at: String, game_id: String?, amount: Amount?
    }

    static func run(rounds: Int) throws {
        let count = 100_000
        let now = Date()
        let occurredAt = RFC3339.format(now.addingTimeInterval(-60))
        let event = Array(
            """
            {"event_id":"3f1c2a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f","player_id":"player-12345","type":"bet_placed",\
            "occurred_at":"\(occurredAt)","game_id":"slots-starburst","amount":{"minor":2500,"currency":"EUR"},\
            "properties":{"session_id":"s-998877","device":"ios","ip_country":"MT","bet_lines":20,"autoplay":false}}
            """.utf8)
        let data = Data(event)
        let validator = EventValidator(now: { now })
        var valid = 0
        precondition(validator.validate(event, tenantID: "demo-casino").isValid)
        try Rounds(name: "event_read: EventValidator.validate (parse + validate) vs Foundation JSONDecoder into the bare envelope (parse only), \(event.count)-byte bet_placed", operations: count, rounds: rounds).compare(
            ours: { for _ in 0..<count where validator.validate(event, tenantID: "demo-casino").isValid { valid += 1 } },
            theirs: { for _ in 0..<count where try JSONDecoder().decode(Envelope.self, from: data).player_id == "player-12345" { valid += 1 } })
        try Rounds(name: "event_read: EventValidator.validate vs Foundation JSONSerialization.jsonObject (parse only)", operations: count, rounds: rounds).compare(
            ours: { for _ in 0..<count where validator.validate(event, tenantID: "demo-casino").isValid { valid += 1 } },
            theirs: { for _ in 0..<count where try JSONSerialization.jsonObject(with: data) is [String: Any] { valid += 1 } })

        guard case .valid(let parsed) = validator.validate(event, tenantID: "demo-casino") else { fatalError("valid") }
        let envelope = try JSONDecoder().decode(Envelope.self, from: data)
        let encoder = JSONEncoder()
        var bytes = 0
        try Rounds(name: "event_write: PlayerEvent.jsonBytes (JSONWriter) vs Foundation JSONEncoder of the envelope (no properties)", operations: count, rounds: rounds).compare(
            ours: { for _ in 0..<count { bytes += parsed.jsonBytes().count } },
            theirs: { for _ in 0..<count { bytes += try encoder.encode(envelope).count } })
        if valid == 42 || bytes == 42 { print("unlikely") }
    }
}
