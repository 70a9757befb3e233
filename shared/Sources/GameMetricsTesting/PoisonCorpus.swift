import Foundation

/// Event `properties` that a buggy client, an older producer or an attacker may send, chosen at
/// the edges of what PostgreSQL's `jsonb` and the event scanner accept. Each entry is the exact
/// JSON text of the `properties` object; some are valid and storable, the rest must be refused
/// somewhere before they reach a storing transaction. Tests decide which by asking PostgreSQL.
public enum PoisonCorpus {
    public struct Entry: Sendable {
        public let name: String
        public let properties: String
    }

    /// Every entry; the names are unique.
    public static let entries: [Entry] = numbers + strings + shapes

    static let numbers: [Entry] = [
        Entry(name: "huge exponent", properties: #"{"x":1e999999}"#),
        Entry(name: "huge negative number", properties: #"{"x":-1e999999}"#),
        Entry(name: "tiny exponent", properties: #"{"x":1e-999999}"#),
        Entry(name: "exponent beyond int32", properties: #"{"x":1e99999999999}"#),
        Entry(name: "zero with a huge exponent", properties: #"{"x":0e999999999}"#),
        Entry(name: "zero with a tiny exponent", properties: #"{"x":0e-20000}"#),
        Entry(name: "just above numeric's integer digits", properties: #"{"x":1e131072}"#),
        Entry(name: "at numeric's integer digits", properties: #"{"x":1e131071}"#),
        Entry(name: "just below numeric's scale", properties: #"{"x":1e-16383}"#),
        Entry(name: "beyond numeric's scale", properties: #"{"x":1e-16384}"#),
        Entry(name: "fraction and exponent beyond the scale", properties: #"{"x":1.5e-16383}"#),
        Entry(name: "capital exponent with a plus", properties: #"{"x":1E+400}"#),
        Entry(name: "negative zero", properties: #"{"x":-0,"y":-0.0e0}"#),
        Entry(name: "7,000-digit integer", properties: #"{"x":"# + String(repeating: "9", count: 7_000) + "}"),
        Entry(name: "100,000-digit integer", properties: #"{"x":"# + String(repeating: "7", count: 100_000) + "}"),
        Entry(name: "long fraction", properties: #"{"x":0."# + String(repeating: "1", count: 5_000) + "}"),
    ]

    static let strings: [Entry] = [
        Entry(name: "NUL escape in a value", properties: #"{"x":"a\u0000b"}"#),
        Entry(name: "NUL escape in a key", properties: #"{"a\u0000":1}"#),
        Entry(name: "NUL escape in a nested key", properties: #"{"o":{"k\u0000":true}}"#),
        Entry(name: "lone high surrogate", properties: #"{"x":"\ud800"}"#),
        Entry(name: "lone low surrogate", properties: #"{"x":"\udc00"}"#),
        Entry(name: "reversed surrogate pair", properties: #"{"x":"\udc00\ud800"}"#),
        Entry(name: "high surrogate before a letter escape", properties: #"{"x":"\ud800\u0041"}"#),
        Entry(name: "lone surrogate in a key", properties: #"{"\udfff":1}"#),
        Entry(name: "valid surrogate pair", properties: #"{"x":"\ud83d\ude00"}"#),
        Entry(name: "control escapes", properties: #"{"x":"\u0001\u001f\b\f\n\r\t\/\\\""}"#),
        Entry(name: "non-characters", properties: #"{"x":"\uffff\ufffe\ufdd0"}"#),
        Entry(name: "string of 8,000 characters", properties: #"{"x":""# + String(repeating: "s", count: 8_000) + #""}"#),
        Entry(name: "string of 100,000 characters", properties: #"{"x":""# + String(repeating: "s", count: 100_000) + #""}"#),
        Entry(name: "2,000 escaped characters", properties: #"{"x":""# + String(repeating: #"\u00e9"#, count: 2_000) + #""}"#),
    ]

    static let shapes: [Entry] = [
        Entry(name: "nesting at the scanner's limit", properties: nested(depth: 62)),
        Entry(name: "nesting beyond the scanner's limit", properties: nested(depth: 63)),
        Entry(name: "nesting far beyond the limit", properties: nested(depth: 5_000)),
        Entry(name: "duplicate keys", properties: #"{"a":1,"a":2}"#),
        Entry(name: "empty key", properties: #"{"":1}"#),
        Entry(name: "2,000 keys", properties: "{" + (0..<2_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"),
    ]

    /// `{"d":[[...]]}` with `depth` nested arrays.
    static func nested(depth: Int) -> String {
        #"{"d":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
    }

    /// One event's JSON text around `properties`, with the envelope fields a valid
    /// `game_round` has. `tenantID` is included when the text is meant for the raw topic (as
    /// ingestion writes it); clients leave it out.
    public static func event(
        id: UUID, tenantID: String?, playerID: String, occurredAt: String, properties: String
    ) -> String {
        let tenant = tenantID.map { #""tenant_id":"\#($0)","# } ?? ""
        return #"{"event_id":"\#(id.uuidString.lowercased())",\#(tenant)"player_id":"\#(playerID)","type":"game_round","#
            + #""occurred_at":"\#(occurredAt)","game_id":"slots-1","properties":\#(properties)}"#
    }
}
