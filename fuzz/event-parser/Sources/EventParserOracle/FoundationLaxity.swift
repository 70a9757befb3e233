/// Where Foundation's `JSONSerialization` reads text that RFC 8259 (and so the validator and
/// PostgreSQL) refuse: a comma before a closing bracket (`[1,]`, `{"a":1,}`) and a leading UTF-8
/// byte-order mark; and it guesses UTF-16 or UTF-32 from a byte 0 among the first four bytes
/// or a UTF-16 byte-order mark (`9\0` is "9" in UTF-16LE), where the validator and `jsonb` read
/// UTF-8 only. Found by the fuzzer; documented in ADR 0006.
public enum FoundationLaxity {
    /// The laxity that explains Foundation accepting `bytes`, if any.
    public static func explanation(for bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "Foundation skips a leading byte-order mark" }
        if bytes.prefix(4).contains(0) || bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            return "Foundation reads UTF-16 or UTF-32 (guessed from the first bytes)"
        }
        return hasTrailingComma(bytes) ? "Foundation accepts a trailing comma" : nil
    }

    /// A `,` followed (after whitespace) by `]` or `}`, outside strings.
    static func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        var inString = false
        var escaped = false
        var afterComma = false
        for b in bytes {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case 0x20, 0x0A, 0x0D, 0x09:
                continue
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if afterComma { return true }
            case UInt8(ascii: "\""):
                inString = true
            default:
                break
            }
            afterComma = b == UInt8(ascii: ",")
        }
        return false
    }
}
