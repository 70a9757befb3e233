import EventParserOracle
import Foundation
import GameMetricsKit
import Testing

/// ADR 0006: whatever PostgreSQL's `jsonb` refuses, the validator refuses; whatever the validator
/// accepts is stored `jsonb`-equal to what PostgreSQL parses from the bytes sent; where the
/// validator is stricter, the difference is one the ADR lists.
@Suite("The event validator against PostgreSQL jsonb and Foundation on a generated corpus")
struct ValidatorDifferentialTests {
    /// Production limits (8192 bytes of properties).
    static let validator = EventValidator()

    @Test("5000 generated properties objects: no disagreement, and every kind of edge occurs")
    func generatedCorpus() async throws {
        var generator = PropertiesCorpusGenerator(seed: 2026_12_06)
        let inputs = (0..<5000).map { _ in generator.next() }
        let tally = try await PostgresJSONBReader.with { reader in
            var tally = DifferentialTally()
            for input in inputs {
                var observation = PropertiesObservation(input: input, validator: Self.validator)
                observation.postgres = try await reader.verdict(input: input, compact: observation.compact)
                tally.record(observation, observation.judgement(maxPropertiesBytes: Self.validator.maxPropertiesBytes))
            }
            return tally
        }
        print("generated corpus: \(tally.inputs) inputs, validator accepted \(tally.accepted), PostgreSQL accepted \(tally.postgresAccepted); SQLSTATEs \(tally.sqlStates); validator reasons \(tally.validatorReasons); explained \(tally.explained)")
        #expect(tally.disagreements == [])
        // The corpus reaches every edge it is meant to (so the agreement above is not vacuous).
        #expect(tally.accepted >= 1000)
        #expect(tally.sqlStates["22003", default: 0] >= 50, "numbers beyond numeric: \(tally.sqlStates)")
        #expect(tally.sqlStates["22P05", default: 0] >= 20, "\\u0000 escapes: \(tally.sqlStates)")
        #expect(tally.sqlStates["22021", default: 0] >= 20, "byte 0 and malformed UTF-8: \(tally.sqlStates)")
        #expect(tally.sqlStates["22P02", default: 0] >= 200, "JSON syntax, lone surrogates: \(tally.sqlStates)")
        #expect(tally.validatorReasons["out_of_range", default: 0] >= 50)
        #expect(tally.validatorReasons["too_large", default: 0] >= 10)
        for stricter in ["not an object: the validator wants an object", "nested deeper than 63", "larger than 8192 bytes compact"] {
            #expect(tally.explained[stricter, default: 0] > 0, "never saw: \(stricter); saw \(tally.explained)")
        }
    }

    @Test("validateProperties rules exactly as properties inside a whole event are ruled")
    func samePathAsEvents() throws {
        var generator = PropertiesCorpusGenerator(seed: 7)
        var compared = 0
        for _ in 0..<3000 {
            let input = generator.next()
            let alone = Self.validator.validateProperties(input)
            // Only JSON values: invalid text spliced into an event could form other keys.
            if case .failure(let rejection) = alone, rejection.reason == .invalidJSON { continue }
            let text = String(decoding: input, as: UTF8.self)
            if text.trimmingCharacters(in: .whitespacesAndNewlines) == "null" { continue }  // absent in an event
            let event = Array(#"{"event_id":"6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41","player_id":"p","type":"session_start","occurred_at":"2026-11-21T11:59:00Z","properties":"#.utf8) + input + [UInt8(ascii: "}")]
            let now = RFC3339.parse("2026-11-21T12:00:00Z")!
            let result = EventValidator(now: { now }).validate(event, tenantID: "t")
            switch alone {
            case .success(let properties):
                #expect(result.event?.properties.bytes == properties.bytes)
            case .failure(let rejection):
                #expect(result.errors == [FieldError("properties", rejection.reason)])
            }
            compared += 1
        }
        #expect(compared >= 800)
    }

    @Test("the oracle calls it a disagreement when PostgreSQL refuses or reads differently what the validator accepts")
    func oracleCatchesDisagreements() {
        var observation = PropertiesObservation(input: Array(#"{"x":1}"#.utf8), validator: Self.validator)
        observation.postgres = .refused(sqlState: "22003", message: "value overflows numeric format")
        #expect(observation.judgement(maxPropertiesBytes: 8192) != .agree)
        guard case .disagreement = observation.judgement(maxPropertiesBytes: 8192) else {
            Issue.record("not a disagreement")
            return
        }
        observation.postgres = .accepted(compactEqual: false)
        guard case .disagreement = observation.judgement(maxPropertiesBytes: 8192) else {
            Issue.record("not a disagreement")
            return
        }
        observation.postgres = .accepted(compactEqual: true)
        #expect(observation.judgement(maxPropertiesBytes: 8192) == .agree)

        // PostgreSQL accepting what the validator refuses with no documented reason.
        var refused = PropertiesObservation(input: Array(#"{"x":1e999999}"#.utf8), validator: Self.validator)
        refused.postgres = .accepted(compactEqual: nil)
        guard case .disagreement = refused.judgement(maxPropertiesBytes: 8192) else {
            Issue.record("not a disagreement")
            return
        }
        refused.postgres = .refused(sqlState: "22003", message: "value overflows numeric format")
        #expect(
            refused.judgement(maxPropertiesBytes: 8192) == .explained("a number beyond numeric's limits, which jsonb refuses, accepted by Foundation")
                || refused.judgement(maxPropertiesBytes: 8192) == .agree)
    }
}
