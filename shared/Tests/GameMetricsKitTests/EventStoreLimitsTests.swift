import Foundation
import Testing

@testable import GameMetricsKit

/// PostgreSQL refuses these (`22003 value overflows numeric format`, `22008 date/time field value
/// out of range`); an event that holds one must be refused by the validator, never stored.
@Suite("Event validation: values the store cannot hold are out_of_range")
struct EventStoreLimitsTests {
    static let outOfRange = [FieldError(field: "properties", reason: "out_of_range")]

    /// ``testValidator`` with room for numbers of more digits than 8192 bytes hold.
    static let roomyValidator = EventValidator(maxPropertiesBytes: 1 << 20, now: { testNow })

    static func errors(properties: String) -> [FieldError] {
        roomyValidator.validate(EventJSON.bet.setting("properties", properties).text, tenantID: "tenant-a").errors
    }

    /// A stored-mode event (as ingestion writes it to `player.events.raw`) with `properties`.
    static func stored(properties: String, occurredAt: String = "2026-11-21T11:59:00.000000Z") -> [UInt8] {
        Array(
            #"""
            {"event_id":"6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41","tenant_id":"tenant-a","player_id":"p",\#
            "type":"session_start","occurred_at":"\#(occurredAt)","properties":\#(properties)}
            """#.utf8)
    }

    /// Storage limits of PostgreSQL's numeric (numeric.c, confirmed against PostgreSQL 16): at most
    /// 131072 digits before the point (weight of 32767 base-10000 digits), 16383 after it (dscale),
    /// and an exponent of at most 1073741823 (INT_MAX/2) in magnitude, whatever the mantissa.
    @Test(
        "numbers beyond PostgreSQL numeric's limits are out_of_range",
        arguments: [
            "1e999999", "-1e999999", "1e131072", "1E+131072", "10e131071", "-9.9e131072", "1e-16384", "0.5e-16383",
            "12e-16384", "0e-16384", "-0.0e-16383", "0.0000e-16380", "0e1073741824", "0e-1073741823",
            "1e99999999999999999999", "1e-99999999999999999999", "0.\(String(repeating: "0", count: 16384))",
            String(repeating: "9", count: 131_073),
        ])
    func numberBeyondLimits(number: String) {
        #expect(Self.errors(properties: #"{"x":\#(number)}"#) == Self.outOfRange)
        #expect(Self.errors(properties: #"{"a":{"b":[1,\#(number)]}}"#) == Self.outOfRange)
    }

    @Test(
        "numbers at PostgreSQL numeric's limits are accepted as sent",
        arguments: [
            "1e131071", "-9.9999e131071", "0.99e131072", "1e-16383", "0.5e-16382", "0e-16383", "0.0000e-16379",
            "0e1073741822", "0e1073741823", "-0", "1E+2", "1e+00000000000000000000000000000005", "1.5e-3",
            "0.\(String(repeating: "0", count: 16382))1", String(repeating: "9", count: 131_072),
        ])
    func numberAtLimits(number: String) throws {
        let raw = #"{"x":\#(number)}"#
        let event = try #require(Self.roomyValidator.validate(EventJSON.bet.setting("properties", raw).text, tenantID: "tenant-a").event)
        #expect(event.properties.jsonString == raw)
    }

    @Test("the processor's stored-mode decoding refuses them too")
    func storedMode() throws {
        let error = #expect(throws: EventDecodingError.self) {
            try PlayerEvent(jsonBytes: Self.stored(properties: #"{"x":1e999999}"#))
        }
        #expect(error?.errors == Self.outOfRange)
        #expect(try PlayerEvent(jsonBytes: Self.stored(properties: #"{"x":1e131071}"#)).properties.jsonString == #"{"x":1e131071}"#)
    }

    /// `timestamptz` text has no year 0; the envelope writes the UTC instant with four year digits.
    @Test(
        "an occurred_at outside 0001-01-01 ... 9999-12-31 UTC is out_of_range in stored mode",
        arguments: [
            "0000-01-01T00:00:00Z", "0000-12-31T23:59:59.999999Z", "0001-01-01T00:30:00+01:00",
            "9999-12-31T23:59:59.9999996Z", "9999-12-31T23:30:00-01:00",
        ])
    func occurredAtBeyondYears(text: String) {
        let error = #expect(throws: EventDecodingError.self) {
            try PlayerEvent(jsonBytes: Self.stored(properties: "{}", occurredAt: text))
        }
        #expect(error?.errors == [FieldError(field: "occurred_at", reason: "out_of_range")])
    }

    @Test(
        "occurred_at values the store and Date hold exactly are accepted in stored mode",
        arguments: [
            "1900-01-01T00:00:00.000001Z", "1970-01-01T00:00:00.000000Z", "2100-12-31T23:59:59.999999Z",
        ])
    func occurredAtStorable(text: String) throws {
        let event = try PlayerEvent(jsonBytes: Self.stored(properties: "{}", occurredAt: text))
        #expect(RFC3339.format(event.occurredAt) == text)
    }

    @Test("an occurred_at far in the past is out_of_range at ingestion too, not only too_old")
    func occurredAtIngest() {
        #expect(
            EventJSON.bet.setting("occurred_at", #""0000-06-01T00:00:00Z""#).errors
                == [FieldError(field: "occurred_at", reason: "out_of_range")])
    }
}
