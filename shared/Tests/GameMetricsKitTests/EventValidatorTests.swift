import Foundation
import Testing

@testable import GameMetricsKit

/// The fixed server clock every event test validates against.
let testNow = RFC3339.parse("2026-11-21T12:00:00Z")!

/// A validator whose clock is ``testNow``.
let testValidator = EventValidator(now: { testNow })

/// An event's JSON built field by field (values are raw JSON text), in a stable key order.
struct EventJSON {
    var fields: [(key: String, raw: String)]

    /// A valid `bet_placed` event one minute before ``testNow``.
    static let bet = EventJSON(fields: [
        ("event_id", #""6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41""#),
        ("player_id", #""player-1""#),
        ("type", #""bet_placed""#),
        ("occurred_at", #""2026-11-21T11:59:00Z""#),
        ("game_id", #""slot-7""#),
        ("amount", #"{"minor":2500,"currency":"EUR"}"#),
        ("properties", #"{"platform":"ios","lines":20}"#),
    ])

    /// The smallest valid event of `type`: game_id and amount only where required.
    static func minimal(_ type: EventType) -> EventJSON {
        var json = EventJSON(fields: [
            ("event_id", #""0b7e3f2a-1c4d-4e5f-8a9b-0c1d2e3f4a5b""#),
            ("player_id", #""p""#),
            ("type", "\"\(type.rawValue)\""),
            ("occurred_at", #""2026-11-21T11:00:00Z""#),
        ])
        if type.requiresGameID { json = json.setting("game_id", #""g-1""#) }
        if type.requiresAmount { json = json.setting("amount", #"{"minor":100,"currency":"USD"}"#) }
        return json
    }

    func setting(_ key: String, _ raw: String) -> EventJSON {
        var copy = self
        if let i = copy.fields.firstIndex(where: { $0.key == key }) {
            copy.fields[i].raw = raw
        } else {
            copy.fields.append((key, raw))
        }
        return copy
    }

    func setting(_ key: String, string: String) -> EventJSON {
        setting(key, String(decoding: try! JSONEncoder().encode(string), as: UTF8.self))
    }

    func removing(_ key: String) -> EventJSON {
        EventJSON(fields: fields.filter { $0.key != key })
    }

    var text: String {
        "{" + fields.map { "\"\($0.key)\":\($0.raw)" }.joined(separator: ",") + "}"
    }

    func validate(tenant: String = "tenant-a") -> EventValidationResult {
        testValidator.validate(text, tenantID: tenant)
    }

    /// The errors of validating this event (empty when valid).
    var errors: [FieldError] { validate().errors }
}

func timestamp(_ offset: TimeInterval) -> String {
    "\"" + RFC3339.format(testNow.addingTimeInterval(offset)) + "\""
}

@Suite("Event validation: valid events")
struct EventValidatorValidTests {
    @Test("a typical bet_placed event becomes a PlayerEvent with every field")
    func typicalBet() throws {
        let event = try #require(EventJSON.bet.validate().event)
        #expect(event.eventID == UUID(uuidString: "6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41"))
        #expect(event.tenantID == "tenant-a")
        #expect(event.playerID == "player-1")
        #expect(event.type == .betPlaced)
        #expect(event.occurredAt == RFC3339.parse("2026-11-21T11:59:00Z"))
        #expect(event.gameID == "slot-7")
        #expect(event.amount == Money(minor: 2500, currency: "EUR"))
        #expect(event.properties.jsonString == #"{"platform":"ios","lines":20}"#)
    }

    @Test("every event type has a valid minimal example", arguments: EventType.allCases)
    func minimalPerType(type: EventType) throws {
        let event = try #require(EventJSON.minimal(type).validate().event)
        #expect(event.type == type)
        #expect(event.gameID == (type.requiresGameID ? "g-1" : nil))
        #expect(event.amount == (type.requiresAmount ? Money(minor: 100, currency: "USD") : nil))
        #expect(event.properties == .empty)
    }

    @Test("tenant_id in the body is ignored; the credential's tenant is used")
    func tenantFromCredential() throws {
        let spoofed = EventJSON.bet.setting("tenant_id", #""tenant-b""#)
        #expect(try #require(spoofed.validate(tenant: "tenant-a").event).tenantID == "tenant-a")
        let wrongType = EventJSON.bet.setting("tenant_id", #"{"x":1}"#)
        #expect(try #require(wrongType.validate(tenant: "tenant-a").event).tenantID == "tenant-a")
    }

    @Test("unknown top-level fields are ignored")
    func unknownFieldsIgnored() {
        let json = EventJSON.bet.setting("sdk", #"{"name":"unity","v":[1,2,3]}"#).setting("extra", "null")
        #expect(json.validate().isValid)
    }

    @Test("a key written with escapes still names its field")
    func escapedKey() throws {
        let text = EventJSON.bet.text.replacingOccurrences(of: "\"player_id\"", with: #""player\u005fid""#)
        #expect(try #require(testValidator.validate(text, tenantID: "t").event).playerID == "player-1")
    }

    @Test("whitespace between tokens is allowed and not kept in properties")
    func whitespace() throws {
        let text = """
            {
              "event_id" : "6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41",
              "player_id": "p", "type": "page_view", "occurred_at": "2026-11-21T11:59:00Z",
              "properties": { "a" : [ 1, 2 ], "b" : "x y" }
            }
            """
        let event = try #require(testValidator.validate(text, tenantID: "t").event)
        #expect(event.properties.jsonString == #"{"a":[1,2],"b":"x y"}"#)
    }
}

@Suite("Event validation: event_id")
struct EventIDTests {
    @Test("a missing or null event_id is required")
    func required() {
        #expect(EventJSON.bet.removing("event_id").errors == [FieldError("event_id", .required)])
        #expect(EventJSON.bet.setting("event_id", "null").errors == [FieldError("event_id", .required)])
    }

    @Test("a non-string event_id is invalid_type", arguments: ["42", "true", "[]", #"{"id":1}"#])
    func wrongType(raw: String) {
        #expect(EventJSON.bet.setting("event_id", raw).errors == [FieldError("event_id", .invalidType)])
    }

    @Test(
        "malformed and nil UUIDs are invalid_uuid",
        arguments: [
            "", "not-a-uuid", "6f1c2b1e8a4d4c559f1e3d2a7b9c0e41", "{6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41}",
            "6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e4g", "6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e411",
            "00000000-0000-0000-0000-000000000000",
        ])
    func invalid(text: String) {
        #expect(EventJSON.bet.setting("event_id", string: text).errors == [FieldError("event_id", .invalidUUID)])
    }

    @Test("upper-case hex is accepted")
    func upperCase() throws {
        let event = try #require(EventJSON.bet.setting("event_id", #""6F1C2B1E-8A4D-4C55-9F1E-3D2A7B9C0E41""#).validate().event)
        #expect(event.eventID == UUID(uuidString: "6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41"))
    }
}

@Suite("Event validation: player_id and game_id")
struct EventIdentifierTests {
    @Test("player_id of 128 scalars is accepted in any script", arguments: ["a", "é", "日", "🎰"])
    func maxLengthOK(unit: String) throws {
        let id = String(repeating: unit, count: 128)
        #expect(try #require(EventJSON.bet.setting("player_id", string: id).validate().event).playerID == id)
    }

    @Test("player_id of 129 scalars is too_long in any script", arguments: ["a", "é", "日", "🎰"])
    func tooLong(unit: String) {
        let id = String(repeating: unit, count: 129)
        #expect(EventJSON.bet.setting("player_id", string: id).errors == [FieldError("player_id", .tooLong)])
    }

    @Test("escapes count as the scalar they stand for")
    func escapesCounted() throws {
        let raw = "\"" + String(repeating: #"\u00e9"#, count: 128) + "\""
        let event = try #require(EventJSON.bet.setting("player_id", raw).validate().event)
        #expect(event.playerID == String(repeating: "é", count: 128))
    }

    @Test("an empty player_id is too_short; missing or null is required")
    func emptyAndMissing() {
        #expect(EventJSON.bet.setting("player_id", #""""#).errors == [FieldError("player_id", .tooShort)])
        #expect(EventJSON.bet.removing("player_id").errors == [FieldError("player_id", .required)])
        #expect(EventJSON.bet.setting("player_id", "null").errors == [FieldError("player_id", .required)])
    }

    @Test("a numeric player_id is invalid_type")
    func numeric() {
        #expect(EventJSON.bet.setting("player_id", "12345").errors == [FieldError("player_id", .invalidType)])
    }

    @Test("U+0000 in player_id is invalid_character")
    func nul() {
        #expect(EventJSON.bet.setting("player_id", #""a\u0000b""#).errors == [FieldError("player_id", .invalidCharacter)])
    }

    @Test("game_id is required for the game types", arguments: EventType.allCases.filter(\.requiresGameID))
    func gameIDRequired(type: EventType) {
        #expect(EventJSON.minimal(type).removing("game_id").errors == [FieldError("game_id", .required)])
    }

    @Test("the game types are exactly game_round, bet_*, achievement_unlocked, level_up")
    func gameTypes() {
        #expect(Set(EventType.allCases.filter(\.requiresGameID)) == [.gameRound, .betPlaced, .betSettled, .achievementUnlocked, .levelUp])
    }

    @Test("game_id is optional but kept on the other types", arguments: EventType.allCases.filter { !$0.requiresGameID })
    func gameIDOptional(type: EventType) throws {
        #expect(EventJSON.minimal(type).validate().isValid)
        let event = try #require(EventJSON.minimal(type).setting("game_id", #""lobby""#).validate().event)
        #expect(event.gameID == "lobby")
    }

    @Test("game_id length limits: empty too_short, 128 ok, 129 too_long, number invalid_type")
    func gameIDLimits() {
        #expect(EventJSON.bet.setting("game_id", #""""#).errors == [FieldError("game_id", .tooShort)])
        #expect(EventJSON.bet.setting("game_id", string: String(repeating: "g", count: 128)).errors == [])
        #expect(EventJSON.bet.setting("game_id", string: String(repeating: "g", count: 129)).errors == [FieldError("game_id", .tooLong)])
        #expect(EventJSON.bet.setting("game_id", "7").errors == [FieldError("game_id", .invalidType)])
        #expect(EventJSON.minimal(.pageView).setting("game_id", "7").errors == [FieldError("game_id", .invalidType)])
    }
}

@Suite("Event validation: type")
struct EventTypeFieldTests {
    @Test("a missing type is required and then no type-dependent field is demanded")
    func missing() {
        let json = EventJSON.bet.removing("type").removing("game_id").removing("amount")
        #expect(json.errors == [FieldError("type", .required)])
    }

    @Test("unknown names are unknown_type (case-sensitive)", arguments: ["BET_PLACED", "bet", "login", ""])
    func unknown(name: String) {
        #expect(EventJSON.bet.setting("type", string: name).errors == [FieldError("type", .unknownType)])
    }

    @Test("a non-string type is invalid_type")
    func wrongType() {
        #expect(EventJSON.bet.setting("type", "3").errors == [FieldError("type", .invalidType)])
    }
}

@Suite("Event validation: occurred_at")
struct EventOccurredAtTests {
    @Test(
        "RFC 3339 forms are accepted",
        arguments: [
            ("2026-11-21T11:59:00Z", "2026-11-21T11:59:00.000000Z"),
            ("2026-11-21T11:59:00.5Z", "2026-11-21T11:59:00.500000Z"),
            ("2026-11-21T11:59:00.123456Z", "2026-11-21T11:59:00.123456Z"),
            ("2026-11-21T11:59:00.123456789Z", "2026-11-21T11:59:00.123457Z"),
            ("2026-11-21t11:59:00z", "2026-11-21T11:59:00.000000Z"),
            ("2026-11-21T12:59:00+01:00", "2026-11-21T11:59:00.000000Z"),
            ("2026-11-21T06:29:00.25-05:30", "2026-11-21T11:59:00.250000Z"),
            ("2026-11-15T12:00:00Z", "2026-11-15T12:00:00.000000Z"),
        ])
    func accepted(input: String, normalized: String) throws {
        let event = try #require(EventJSON.bet.setting("occurred_at", string: input).validate().event)
        #expect(RFC3339.format(event.occurredAt) == normalized)
    }

    @Test(
        "other text is invalid_timestamp",
        arguments: [
            "", "2026-11-21", "2026-11-21T11:59:00", "2026-11-21 11:59:00Z", "2026-11-21T11:59Z",
            "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-21T24:00:00Z",
            "2026-11-21T11:60:00Z", "2026-11-21T11:59:60Z", "2026-11-21T11:59:00.Z", "2026-11-21T11:59:00+0100",
            "2026-11-21T11:59:00+24:00", "1732190340", "yesterday", "2026-11-21T11:59:00Z ",
        ])
    func rejected(input: String) {
        #expect(EventJSON.bet.setting("occurred_at", string: input).errors == [FieldError("occurred_at", .invalidTimestamp)])
    }

    @Test("a numeric occurred_at is invalid_type; missing is required")
    func typeAndPresence() {
        #expect(EventJSON.bet.setting("occurred_at", "1795262340").errors == [FieldError("occurred_at", .invalidType)])
        #expect(EventJSON.bet.removing("occurred_at").errors == [FieldError("occurred_at", .required)])
    }

    @Test("exactly 5 minutes ahead is accepted; one microsecond more is in_future")
    func futureBoundary() {
        #expect(EventJSON.bet.setting("occurred_at", timestamp(300)).errors == [])
        #expect(EventJSON.bet.setting("occurred_at", timestamp(300.000001)).errors == [FieldError("occurred_at", .inFuture)])
        #expect(EventJSON.bet.setting("occurred_at", timestamp(3600)).errors == [FieldError("occurred_at", .inFuture)])
    }

    @Test("exactly 7 days old is accepted; one microsecond older is too_old")
    func ageBoundary() {
        let week: TimeInterval = 7 * 24 * 3600
        #expect(EventJSON.bet.setting("occurred_at", timestamp(-week)).errors == [])
        #expect(EventJSON.bet.setting("occurred_at", timestamp(-week - 0.000001)).errors == [FieldError("occurred_at", .tooOld)])
        #expect(EventJSON.bet.setting("occurred_at", #""2020-01-01T00:00:00Z""#).errors == [FieldError("occurred_at", .tooOld)])
    }

    @Test("an offset is applied before the window check")
    func offsetWindow() {
        // 12:04+00:00 is fine; 17:04+05:00 is the same instant; 17:06+05:00 is 6 minutes ahead.
        #expect(EventJSON.bet.setting("occurred_at", #""2026-11-21T17:04:00+05:00""#).errors == [])
        #expect(EventJSON.bet.setting("occurred_at", #""2026-11-21T17:06:00+05:00""#).errors == [FieldError("occurred_at", .inFuture)])
    }

    @Test("the window follows the validator's clock")
    func clock() {
        let later = EventValidator(now: { testNow.addingTimeInterval(8 * 24 * 3600) })
        #expect(later.validate(EventJSON.bet.text, tenantID: "t").errors == [FieldError("occurred_at", .tooOld)])
    }
}

@Suite("Event validation: amount")
struct EventAmountTests {
    @Test("amount is required for the money types", arguments: EventType.allCases.filter(\.requiresAmount))
    func required(type: EventType) {
        #expect(EventJSON.minimal(type).removing("amount").errors == [FieldError("amount", .required)])
        #expect(EventJSON.minimal(type).setting("amount", "null").errors == [FieldError("amount", .required)])
    }

    @Test("the money types are exactly bet_*, deposit, withdrawal, purchase")
    func moneyTypes() {
        #expect(Set(EventType.allCases.filter(\.requiresAmount)) == [.betPlaced, .betSettled, .deposit, .withdrawal, .purchase])
    }

    @Test("on other types an amount is optional, validated and kept", arguments: EventType.allCases.filter { !$0.requiresAmount })
    func optional(type: EventType) throws {
        let event = try #require(EventJSON.minimal(type).setting("amount", #"{"minor":5,"currency":"GBP"}"#).validate().event)
        #expect(event.amount == Money(minor: 5, currency: "GBP"))
        #expect(EventJSON.minimal(type).setting("amount", #"{"minor":-5,"currency":"GBP"}"#).errors == [FieldError("amount.minor", .negative)])
    }

    @Test("valid minor values", arguments: [("0", Int64(0)), ("-0", 0), ("1", 1), ("9223372036854775807", .max)])
    func validMinor(raw: String, value: Int64) throws {
        let event = try #require(EventJSON.bet.setting("amount", #"{"minor":\#(raw),"currency":"EUR"}"#).validate().event)
        #expect(event.amount?.minor == value)
    }

    @Test(
        "invalid minor values name amount.minor and the reason",
        arguments: [
            ("1.5", "not_integer"), ("100.0", "not_integer"), ("1e3", "not_integer"), ("-1.5", "not_integer"),
            ("-1", "negative"), ("-9223372036854775809", "negative"), ("-99999999999999999999999", "negative"),
            ("9223372036854775808", "too_large"), ("100000000000000000000000", "too_large"),
            (#""100""#, "invalid_type"), ("true", "invalid_type"), ("[1]", "invalid_type"),
        ])
    func invalidMinor(raw: String, reason: String) {
        let json = EventJSON.bet.setting("amount", #"{"minor":\#(raw),"currency":"EUR"}"#)
        #expect(json.errors == [FieldError(field: "amount.minor", reason: reason)])
    }

    @Test(
        "currency must be an active ISO 4217 code",
        arguments: [
            "usd", "Eur", "EURO", "EU", "", "XYZ", "ABC", "XXX", "XTS", "HRK", "ZWL", "€", "US1",
        ])
    func invalidCurrency(code: String) {
        let json = EventJSON.bet.setting("amount", #"{"minor":1,"currency":\#(String(decoding: try! JSONEncoder().encode(code), as: UTF8.self))}"#)
        #expect(json.errors == [FieldError("amount.currency", .invalidCurrency)])
    }

    @Test("common and recent codes are accepted", arguments: ["EUR", "USD", "GBP", "JPY", "BHD", "SEK", "XCG", "ZWG", "VED", "SLE"])
    func validCurrency(code: String) {
        #expect(EventJSON.bet.setting("amount", #"{"minor":1,"currency":"\#(code)"}"#).errors == [])
    }

    @Test("missing members, wrong types and a non-object amount")
    func shape() {
        #expect(EventJSON.bet.setting("amount", #"{"currency":"EUR"}"#).errors == [FieldError("amount.minor", .required)])
        #expect(EventJSON.bet.setting("amount", #"{"minor":1}"#).errors == [FieldError("amount.currency", .required)])
        #expect(EventJSON.bet.setting("amount", "{}").errors == [FieldError("amount.minor", .required), FieldError("amount.currency", .required)])
        #expect(EventJSON.bet.setting("amount", #"{"minor":1,"currency":978}"#).errors == [FieldError("amount.currency", .invalidType)])
        #expect(EventJSON.bet.setting("amount", "2500").errors == [FieldError("amount", .invalidType)])
        #expect(EventJSON.bet.setting("amount", #""25.00 EUR""#).errors == [FieldError("amount", .invalidType)])
        #expect(EventJSON.bet.setting("amount", #"{"minor":1,"minor":2,"currency":"EUR"}"#).errors == [FieldError("amount.minor", .duplicate)])
    }

    @Test("extra members inside amount are ignored")
    func extraMembers() throws {
        let json = EventJSON.bet.setting("amount", #"{ "major": 25, "minor" : 2500 , "currency" : "EUR", "x": {"y": []} }"#)
        #expect(try #require(json.validate().event).amount == Money(minor: 2500, currency: "EUR"))
    }
}

@Suite("Event validation: properties")
struct EventPropertiesFieldTests {
    /// A properties object of exactly `size` compact bytes: `{"k":"xxx…"}`.
    static func object(size: Int) -> String {
        #"{"k":""# + String(repeating: "x", count: size - 8) + #""}"#
    }

    @Test("8192 bytes are accepted, 8193 are too_large")
    func sizeBoundary() throws {
        let ok = Self.object(size: 8192)
        #expect(ok.utf8.count == 8192)
        let event = try #require(EventJSON.bet.setting("properties", ok).validate().event)
        #expect(event.properties.byteCount == 8192)
        #expect(EventJSON.bet.setting("properties", Self.object(size: 8193)).errors == [FieldError("properties", .tooLarge)])
    }

    @Test("the limit applies to the compact form: insignificant whitespace is not counted")
    func whitespaceNotCounted() throws {
        let padded = "{ \n\t" + String(Self.object(size: 8192).dropFirst()).replacingOccurrences(of: #""k":"#, with: #""k" :  "#)
        #expect(padded.utf8.count > 8192)
        let event = try #require(EventJSON.bet.setting("properties", padded).validate().event)
        #expect(event.properties.jsonString == Self.object(size: 8192))
    }

    @Test("non-object properties are invalid_type", arguments: ["[]", "[1,2]", #""a=b""#, "1", "true"])
    func wrongType(raw: String) {
        #expect(EventJSON.bet.setting("properties", raw).errors == [FieldError("properties", .invalidType)])
    }

    @Test("absent or null properties become an empty object")
    func absent() throws {
        #expect(try #require(EventJSON.bet.removing("properties").validate().event).properties == .empty)
        #expect(try #require(EventJSON.bet.setting("properties", "null").validate().event).properties == .empty)
    }

    @Test("U+0000 anywhere in properties is invalid_character")
    func nul() {
        #expect(EventJSON.bet.setting("properties", #"{"a":{"b":["\u0000"]}}"#).errors == [FieldError("properties", .invalidCharacter)])
    }

    @Test("properties keep key order, number spelling and escapes exactly")
    func lossless() throws {
        let raw = #"{"z":1.50,"a":12345678901234567890123,"s":"caf\u00e9 \"q\"","n":null,"arr":[true,false,-0.0e+1]}"#
        let event = try #require(EventJSON.bet.setting("properties", raw).validate().event)
        #expect(event.properties.jsonString == raw)
        #expect(event.properties["s"] == .string("café \"q\""))
    }
}

@Suite("Event validation: whole events")
struct EventWholeTests {
    @Test("all field errors of one event are collected, in envelope order")
    func collectsAll() {
        let json = EventJSON(fields: [
            ("event_id", #""nope""#),
            ("player_id", #""""#),
            ("type", #""bet_placed""#),
            ("occurred_at", #""2026-11-21T13:00:00Z""#),
            ("amount", #"{"minor":-1,"currency":"usd"}"#),
            ("properties", "[]"),
        ])
        #expect(
            json.errors == [
                FieldError("event_id", .invalidUUID),
                FieldError("player_id", .tooShort),
                FieldError("occurred_at", .inFuture),
                FieldError("game_id", .required),
                FieldError("amount.minor", .negative),
                FieldError("amount.currency", .invalidCurrency),
                FieldError("properties", .invalidType),
            ])
    }

    @Test("an empty object lists every required field")
    func emptyObject() {
        #expect(
            testValidator.validate("{}", tenantID: "t").errors == [
                FieldError("event_id", .required), FieldError("player_id", .required),
                FieldError("type", .required), FieldError("occurred_at", .required),
            ])
    }

    @Test("a field given twice is duplicate")
    func duplicateKey() {
        let text = EventJSON.bet.text.dropLast() + #","player_id":"other"}"#
        #expect(testValidator.validate(String(text), tenantID: "t").errors == [FieldError("player_id", .duplicate)])
    }

    @Test("text that is not JSON is invalid_json; JSON that is not an object is invalid_type")
    func notAnEvent() {
        #expect(testValidator.validate("{\"event_id\":", tenantID: "t").errors == [FieldError("", .invalidJSON)])
        #expect(testValidator.validate("", tenantID: "t").errors == [FieldError("", .invalidJSON)])
        #expect(testValidator.validate([0xFF, 0xFE], tenantID: "t").errors == [FieldError("", .invalidJSON)])
        #expect(testValidator.validate("[{}]", tenantID: "t").errors == [FieldError("", .invalidType)])
        #expect(testValidator.validate("\"event\"", tenantID: "t").errors == [FieldError("", .invalidType)])
    }

    @Test("validation accepts any byte sequence type (Data, [UInt8], String.UTF8View)")
    func byteSources() {
        let text = EventJSON.bet.text
        #expect(testValidator.validate(Data(text.utf8), tenantID: "t").isValid)
        #expect(testValidator.validate(Array(text.utf8), tenantID: "t").isValid)
        #expect(testValidator.validate(text.utf8, tenantID: "t").isValid)
        #expect(testValidator.validate(AnySequence(text.utf8), tenantID: "t").isValid)
    }

    @Test("FieldError encodes as {field, reason}")
    func fieldErrorJSON() throws {
        let json = try JSONEncoder().encode(FieldError("amount.currency", .invalidCurrency))
        let object = try #require(JSONSerialization.jsonObject(with: json) as? [String: String])
        #expect(object == ["field": "amount.currency", "reason": "invalid_currency"])
    }
}
