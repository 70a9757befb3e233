import Foundation

/// What tools/schemas/validate_events.py said about one input: the JSON Schema's verdict and
/// the facts about the input that tell a listed difference from a disagreement.
struct SchemaJudgement: Sendable {
    enum Verdict: String, Sendable {
        case accepted, rejected
        /// Not RFC 8259 JSON: refused before the schema is consulted.
        case notJSON = "not_json"
    }

    var verdict: Verdict
    var errors: [String]
    /// The deepest nesting of objects and arrays, the document itself being 1.
    var depth: Int
    /// Keys given twice in the event or in its `amount` (`amount.minor`).
    var duplicates: [String]
    /// `amount.minor` is a whole number written with a fraction or an exponent.
    var integralNotation: Bool
    /// U+0000 only in a value a later duplicate key replaced (the schema sees the last value).
    var nulHiddenByDuplicate: Bool

    init?(line: Substring) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let verdict = (object["verdict"] as? String).flatMap(Verdict.init(rawValue:))
        else { return nil }
        self.verdict = verdict
        errors = object["errors"] as? [String] ?? []
        depth = object["depth"] as? Int ?? 0
        duplicates = object["duplicates"] as? [String] ?? []
        integralNotation = object["integral_notation"] as? Bool ?? false
        nulHiddenByDuplicate = object["nul_hidden_by_duplicate"] as? Bool ?? false
    }
}
