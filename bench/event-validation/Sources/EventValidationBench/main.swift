import Foundation
import GameMetricsKit

// Validation of one typical event (a 300-byte bet_placed) in process, one core: the platform's
// validator against Foundation's two JSON readers, which ADR 0006 rejected for the hot path.
// Prints one JSON line per round.
//   event-validation-bench [rounds=5] [events-per-round=200000]

let arguments = CommandLine.arguments
let rounds = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
let count = arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000

let now = Date()
let occurredAt = ISO8601DateFormatter().string(from: now.addingTimeInterval(-60))
let event = Array(
    """
    {"event_id":"3f1c2a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f","player_id":"player-12345","type":"bet_placed",\
    "occurred_at":"\(occurredAt)","game_id":"slots-starburst","amount":{"minor":2500,"currency":"EUR"},\
    "properties":{"session_id":"s-998877","device":"ios","ip_country":"MT","bet_lines":20,"autoplay":false}}
    """.utf8)
let validator = EventValidator(now: { now })
let data = Data(event)

/// Events per second over `count` runs of `body`.
func rate(_ body: () throws -> Bool) rethrows -> Int {
    var valid = 0
    let start = ContinuousClock.now
    for _ in 0..<count where try body() { valid += 1 }
    let elapsed = ContinuousClock.now - start
    precondition(valid == count, "every run must succeed")
    return Int(Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
}

struct Envelope: Decodable {
    struct Amount: Decodable { let minor: Int64; let currency: String }
    let event_id: UUID, player_id: String, type: String, occurred_at: String, game_id: String?, amount: Amount?
}

for round in 1...rounds {
    let platform = rate { validator.validate(event, tenantID: "demo-casino").isValid }
    let serialization = try rate { try JSONSerialization.jsonObject(with: data) is [String: Any] }
    let decoder = try rate { try JSONDecoder().decode(Envelope.self, from: data).player_id == "player-12345" }
    print(#"{"round":\#(round),"event_bytes":\#(event.count),"validator_per_sec":\#(platform),"jsonserialization_per_sec":\#(serialization),"jsondecoder_per_sec":\#(decoder)}"#)
}
