import GameMetricsKit

/// The validator's rules that JSON Schema cannot express (docs/schemas/README.md lists the same
/// ones): where ingestion refuses and the schema accepts, every error of the refusal must be one
/// of these, confirmed by what the Python side saw in the input.
enum KnownSchemaDifference: String, CaseIterable, Sendable, Hashable {
    case clockWindow = "occurred_at outside the clock window (5 min ahead, 7 days behind) or not held exactly by timestamptz"
    case propertiesSize = "properties larger than 8192 bytes as compact JSON"
    case numericLimits = "a number in properties beyond PostgreSQL numeric"
    case nesting = "nesting deeper than 64 levels"
    case duplicateKey = "a key given twice: an envelope key, or one whose first value held U+0000 (the schema sees the last value)"
    case integerNotation = "amount.minor a whole number written with a fraction or an exponent"

    /// The differences that explain ingestion's `errors` on an input the schema accepted, or nil
    /// when one error has no listed explanation (a disagreement).
    static func explaining(_ errors: [FieldError], _ judgement: SchemaJudgement) -> Set<KnownSchemaDifference>? {
        var found = Set<KnownSchemaDifference>()
        for error in errors {
            switch (error.field, error.reason) {
            case ("occurred_at", "in_future"), ("occurred_at", "too_old"), ("occurred_at", "out_of_range"):
                found.insert(.clockWindow)
            case ("properties", "too_large"):
                found.insert(.propertiesSize)
            case ("properties", "out_of_range"):
                found.insert(.numericLimits)
            case ("", "invalid_json") where judgement.depth > 64:
                found.insert(.nesting)
            case (let field, "duplicate") where judgement.duplicates.contains(field):
                found.insert(.duplicateKey)
            case (_, "invalid_character") where judgement.nulHiddenByDuplicate:
                found.insert(.duplicateKey)
            case ("amount.minor", "not_integer") where judgement.integralNotation:
                found.insert(.integerNotation)
            default:
                return nil
            }
        }
        return found
    }
}
