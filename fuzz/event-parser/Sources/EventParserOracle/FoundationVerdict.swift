import Foundation

/// What Foundation's `JSONSerialization` (fragments allowed) made of one input.
public enum FoundationVerdict {
    case valid(Any)
    case invalid(String)

    public init(parsing bytes: [UInt8]) {
        do {
            self = .valid(try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]))
        } catch {
            self = .invalid(String(describing: error))
        }
    }

    public var isValid: Bool {
        if case .valid = self { true } else { false }
    }

    /// Structural equality of two parsed values; strings and keys compare scalar by scalar
    /// (Swift's `==` on `String` would equate canonically equivalent spellings that JSON and
    /// `jsonb` keep apart).
    public static func equal(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            guard x.count == y.count else { return false }
            let xKeys = x.keys.map { Array($0.unicodeScalars) }.sorted { $0.lexicographicallyPrecedes($1) { $0.value < $1.value } }
            let yKeys = y.keys.map { Array($0.unicodeScalars) }.sorted { $0.lexicographicallyPrecedes($1) { $0.value < $1.value } }
            guard xKeys == yKeys else { return false }
            for (key, value) in x {
                guard let other = y[key], equal(value, other) else { return false }
            }
            return true
        case let (x as [Any], y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case let (x as String, y as String):
            return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case let (x as NSNumber, y as NSNumber):
            return x.isEqual(y)
        case (is NSNull, is NSNull):
            return true
        default:
            return false
        }
    }
}
