import Foundation
import Testing

@testable import GameMetricsKit

@Suite("PlayerEvent JSON round trips")
struct EventCodingTests {
    /// A valid event with every optional part and awkward strings.
    static func richEvent() throws -> PlayerEvent {
        let json = EventJSON.bet
            .setting("player_id", string: "pl\"ayer\\ \n é 🎰")
            .setting("occurred_at", #""2026-11-21T11:59:00.123456Z""#)
            .setting("properties", #"{"z":1.50,"big":12345678901234567890123,"nested":{"a":[1,"two",null,false]},"s":"\u00e9"}"#)
        return try #require(json.validate().event)
    }

    @Test("jsonBytes() and init(jsonBytes:) round trip to an equal event")
    func fastRoundTrip() throws {
        let event = try Self.richEvent()
        let decoded = try PlayerEvent(jsonBytes: event.jsonBytes())
        #expect(decoded == event)
        #expect(decoded.properties.bytes == event.properties.bytes)
        #expect(decoded.jsonBytes() == event.jsonBytes())
    }

    @Test("JSONEncoder and JSONDecoder round trip to an equal event")
    func codableRoundTrip() throws {
        let event = try Self.richEvent()
        let decoded = try JSONDecoder().decode(PlayerEvent.self, from: JSONEncoder().encode(event))
        #expect(decoded == event)
    }

    @Test("JSONDecoder reads jsonBytes() and init(jsonBytes:) reads JSONEncoder output")
    func crossCompatible() throws {
        let event = try Self.richEvent()
        #expect(try JSONDecoder().decode(PlayerEvent.self, from: Data(event.jsonBytes())) == event)
        #expect(try PlayerEvent(jsonBytes: JSONEncoder().encode(event)) == event)
    }

    @Test("every valid example round trips", arguments: EventType.allCases)
    func everyType(type: EventType) throws {
        let event = try #require(EventJSON.minimal(type).validate().event)
        #expect(try PlayerEvent(jsonBytes: event.jsonBytes()) == event)
        #expect(try JSONDecoder().decode(PlayerEvent.self, from: JSONEncoder().encode(event)) == event)
    }

    @Test("the JSON uses the envelope's snake_case keys, a lowercase UUID and RFC 3339 with microseconds")
    func wireShape() throws {
        let event = try Self.richEvent()
        for bytes in [event.jsonBytes(), Array(try JSONEncoder().encode(event))] {
            let object = try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect(Set(object.keys) == ["event_id", "tenant_id", "player_id", "type", "occurred_at", "game_id", "amount", "properties"])
            #expect(object["event_id"] as? String == "6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41")
            #expect(object["tenant_id"] as? String == "tenant-a")
            #expect(object["type"] as? String == "bet_placed")
            #expect(object["occurred_at"] as? String == "2026-11-21T11:59:00.123456Z")
            let amount = try #require(object["amount"] as? [String: Any])
            #expect(amount["minor"] as? Int == 2500)
            #expect(amount["currency"] as? String == "EUR")
        }
    }

    @Test("jsonBytes() copies properties verbatim and leaves out absent optionals")
    func verbatim() throws {
        let event = try #require(EventJSON.minimal(.pageView).setting("properties", #"{"b":1.0,"a":2}"#).validate().event)
        let text = String(decoding: event.jsonBytes(), as: UTF8.self)
        #expect(text == #"{"event_id":"0b7e3f2a-1c4d-4e5f-8a9b-0c1d2e3f4a5b","tenant_id":"tenant-a","player_id":"p","type":"page_view","occurred_at":"2026-11-21T11:00:00.000000Z","properties":{"b":1.0,"a":2}}"#)
    }

    @Test("partitionKey is tenant:player, the one PlayerKey every player-keyed record uses")
    func partitionKey() throws {
        let event = try #require(EventJSON.bet.validate(tenant: "brand-7").event)
        #expect(event.partitionKey == "brand-7:player-1")
        #expect(event.partitionKeyBytes() == Array("brand-7:player-1".utf8))
        // An erasure request and its completions share the events' key, so they share their partition.
        let request = ErasureMessage.requested(
            ErasureRequested(
                requestID: UUID(), tenantID: "brand-7", playerID: "player-1", requestedAt: Date(), requestedBy: "test"))
        #expect(request.key == event.partitionKey)
        #expect(PlayerKey.string(tenantID: "brand-7", playerID: "plä:yer") == "brand-7:plä:yer")
    }

    @Test("stored events keep tenant_id and are read without the clock or the currency list")
    func storedRules() throws {
        let old = #"{"event_id":"6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41","tenant_id":"t9","player_id":"p","type":"deposit","occurred_at":"2020-01-01T00:00:00.000000Z","amount":{"minor":1,"currency":"ABC"},"properties":{}}"#
        let event = try PlayerEvent(jsonBytes: Array(old.utf8))
        #expect(event.tenantID == "t9")
        #expect(event.amount == Money(minor: 1, currency: "ABC"))

        let noTenant = old.replacingOccurrences(of: #""tenant_id":"t9","#, with: "")
        #expect(throws: EventDecodingError(errors: [FieldError("tenant_id", .required)])) {
            try PlayerEvent(jsonBytes: Array(noTenant.utf8))
        }
        let lower = old.replacingOccurrences(of: "ABC", with: "abc")
        #expect(throws: EventDecodingError(errors: [FieldError("amount.currency", .invalidCurrency)])) {
            try PlayerEvent(jsonBytes: Array(lower.utf8))
        }
    }

    @Test("Codable decoding rejects a malformed event_id or occurred_at")
    func codableRejects() {
        let base = #"{"event_id":"6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41","tenant_id":"t","player_id":"p","type":"page_view","occurred_at":"2026-11-21T11:00:00Z"}"#
        #expect((try? JSONDecoder().decode(PlayerEvent.self, from: Data(base.utf8))) != nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PlayerEvent.self, from: Data(base.replacingOccurrences(of: "6f1c2b1e-", with: "x").utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PlayerEvent.self, from: Data(base.replacingOccurrences(of: "T11:00:00Z", with: " 11:00").utf8))
        }
    }

    @Test("RFC3339.format writes UTC with six fractional digits, before and after 1970")
    func formatting() throws {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500000Z")
        #expect(RFC3339.format(try #require(RFC3339.parse("2024-02-29T23:59:59.999999Z"))) == "2024-02-29T23:59:59.999999Z")
        #expect(RFC3339.format(try #require(RFC3339.parse("2024-12-31T23:59:59.9999996Z"))) == "2025-01-01T00:00:00.000000Z")
    }
}
