import Foundation
import GameMetricsKit

/// One input read as an event's `properties` by the validator, by Foundation's
/// `JSONSerialization` and (filled in by the caller, who owns the connection) by PostgreSQL's
/// `jsonb`; ``judgement(maxPropertiesBytes:)`` applies the rules of ADR 0006:
///
/// - Whatever the validator accepts, PostgreSQL accepts, and the compact bytes the validator
///   keeps are `jsonb`-equal to what PostgreSQL parses from the input. No exception.
/// - Whatever the validator accepts, Foundation accepts, with equal values for the input and
///   the compact bytes.
/// - Whatever PostgreSQL accepts, the validator accepts, except where the validator is
///   documented to be stricter: a top level that is not an object (`invalid_type`), nesting
///   deeper than ``maxNesting`` (`invalid_json`), more than the size limit (`too_large`).
/// - What Foundation accepts and the validator refuses must be one of those, or refused by
///   PostgreSQL too (U+0000, numbers beyond `numeric`), or one of Foundation's departures from
///   RFC 8259 (``FoundationLaxity``). What the validator accepts and Foundation refuses must be
///   a number beyond `Double`'s range (Foundation has no type for it; `jsonb` holds it).
public struct PropertiesObservation {
    /// The deepest nesting the validator accepts in `properties`: the scanner's limit of 64
    /// levels counts the event object around them.
    public static let maxNesting = 63

    public var input: [UInt8]
    public var validator: Result<EventProperties, PropertiesRejection>
    public var foundation: FoundationVerdict
    /// Foundation's reading of the validator's compact bytes, when it accepted.
    public var foundationOfCompact: FoundationVerdict?
    /// PostgreSQL's verdict; nil when it was not asked.
    public var postgres: PostgresVerdict?

    public init(input: [UInt8], validator: EventValidator) {
        self.input = input
        self.validator = validator.validateProperties(input)
        foundation = FoundationVerdict(parsing: input)
        if case .success(let properties) = self.validator {
            foundationOfCompact = FoundationVerdict(parsing: properties.bytes)
        }
    }

    /// The validator's compact bytes, when it accepted.
    public var compact: [UInt8]? {
        if case .success(let properties) = validator { properties.bytes } else { nil }
    }

    public func judgement(maxPropertiesBytes: Int) -> Judgement {
        switch validator {
        case .success(let properties):
            return judgeAccepted(properties)
        case .failure(let rejection):
            return judgeRefused(rejection, maxPropertiesBytes: maxPropertiesBytes)
        }
    }

    private func judgeAccepted(_ properties: EventProperties) -> Judgement {
        switch postgres {
        case .refused(let state, let message)?:
            return .disagreement("the validator accepted what PostgreSQL refuses (\(state) \(message))")
        case .accepted(let compactEqual)?:
            if compactEqual != true {
                return .disagreement("the validator's compact bytes are not jsonb-equal to the input: \(Self.show(properties.bytes))")
            }
        case nil:
            break
        }
        guard case .valid(let original) = foundation else {
            // Foundation has no type for numbers beyond Double's range; jsonb holds them exactly.
            if case .invalid(let message) = foundation, message.contains("is not representable in Swift"),
                postgres?.isAccepted != false
            {
                return .explained("a number beyond Double, which Foundation refuses and jsonb holds exactly")
            }
            return .disagreement("the validator accepted what Foundation refuses (\(foundation))")
        }
        guard case .valid(let compacted)? = foundationOfCompact, FoundationVerdict.equal(original, compacted) else {
            return .disagreement("Foundation reads the compact bytes differently: \(Self.show(properties.bytes))")
        }
        return .agree
    }

    private func judgeRefused(_ rejection: PropertiesRejection, maxPropertiesBytes: Int) -> Judgement {
        let postgresAccepted = postgres?.isAccepted
        if postgresAccepted != true && !foundation.isValid { return .agree }
        // Someone accepted: the validator must be documented to be stricter here.
        if let stricter = documentedStrictness(rejection, maxPropertiesBytes: maxPropertiesBytes) {
            return .explained(stricter)
        }
        if postgresAccepted == true {
            return .disagreement("PostgreSQL accepted what the validator refuses (\(rejection.reason.rawValue)\(Self.detail(rejection)))")
        }
        // Only Foundation accepted. The store's own rules explain that, when PostgreSQL refuses
        // too (or was not asked and the reason is one of those rules).
        switch rejection.reason {
        case .invalidCharacter:
            return .explained("U+0000, which jsonb refuses, accepted by Foundation")
        case .outOfRange:
            return .explained("a number beyond numeric's limits, which jsonb refuses, accepted by Foundation")
        default:
            if postgresAccepted != true, rejection.reason == .invalidJSON, let laxity = FoundationLaxity.explanation(for: input) {
                return .explained(laxity)
            }
            if postgresAccepted == false {
                return .disagreement("Foundation accepted what the validator refuses (\(rejection.reason.rawValue)\(Self.detail(rejection))) and PostgreSQL refuses with another reason: \(String(describing: postgres))")
            }
            return .disagreement("Foundation accepted what the validator refuses (\(rejection.reason.rawValue)\(Self.detail(rejection)))")
        }
    }

    /// The refusals ADR 0006 documents where the validator is stricter than JSON and `jsonb`.
    private func documentedStrictness(_ rejection: PropertiesRejection, maxPropertiesBytes: Int) -> String? {
        switch rejection.reason {
        case .invalidType:
            let first = input.first { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
            return first != UInt8(ascii: "{") ? "not an object: the validator wants an object" : nil
        case .invalidJSON:
            return JSONNesting.depth(of: input) > Self.maxNesting ? "nested deeper than \(Self.maxNesting)" : nil
        case .tooLarge:
            return input.count > maxPropertiesBytes ? "larger than \(maxPropertiesBytes) bytes compact" : nil
        default:
            return nil
        }
    }

    private static func detail(_ rejection: PropertiesRejection) -> String {
        rejection.syntaxError.map { ": \($0)" } ?? ""
    }

    /// The bytes for a message: text when short, else its start and length.
    public static func show(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return bytes.count > 200 ? "\(text)… (\(bytes.count) bytes)" : text
    }
}
