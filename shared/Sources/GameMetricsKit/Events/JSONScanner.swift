/// The JSON value kinds the scanner tells apart.
enum JSONKind: UInt8, Sendable {
    case absent, null, bool, number, string, object, array
}

/// Where one value sits in the scanned bytes, without copying it.
struct JSONSlot {
    var kind: JSONKind = .absent
    /// For strings the first byte after the opening quote, otherwise the value's first byte.
    var start = 0
    /// For strings the index of the closing quote, otherwise one past the value's last byte.
    var end = 0
    /// The string contains backslash escapes (its bytes need decoding).
    var escaped = false
    /// The value is a number written without fraction or exponent.
    var integer = false
    /// The value contains an escaped U+0000 somewhere.
    var containsNUL = false
    /// The value contains a number PostgreSQL's `numeric` (so `jsonb`) cannot hold.
    var containsNumberOutOfRange = false
    /// The value contains insignificant whitespace (objects and arrays only).
    var containsWhitespace = false
    /// The key appeared more than once in the enclosing object.
    var duplicate = false

    var isPresent: Bool { kind != .absent && kind != .null }
}

/// JSON text that is not valid, with the byte offset where reading stopped.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "invalid JSON at byte \(offset): \(message)" }
    /// Not a syntax error: a batch held more events than allowed (scanning stopped early).
    var limitExceeded = false
}

/// A validating, non-allocating JSON scanner over UTF-8 bytes.
///
/// It checks the whole grammar of RFC 8259 (including UTF-8 well-formedness inside strings and
/// paired surrogate escapes) but builds nothing: callers get ``JSONSlot``s pointing into the
/// buffer and decode only the values they need. Nesting deeper than ``maxDepth`` is an error,
/// so hostile input cannot exhaust the stack.
struct JSONScanner {
    static let maxDepth = 64

    let base: UnsafePointer<UInt8>
    let count: Int
    var pos = 0
    var sawNUL = false
    var sawNumberOutOfRange = false
    var sawWhitespace = false

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have a nil base; point at a harmless static byte instead.
        base = buffer.baseAddress ?? JSONScanner.emptyBase
        count = buffer.count
    }

    nonisolated(unsafe) private static let emptyBase: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    var atEnd: Bool { pos >= count }

    /// The current byte, or 0 at the end (0 is never valid JSON outside strings).
    @inline(__always) var current: UInt8 { pos < count ? base[pos] : 0 }

    func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: pos, message: message)
    }

    @inline(__always) mutating func skipWhitespace() {
        while pos < count {
            switch base[pos] {
            case 0x20, 0x0A, 0x0D, 0x09:
                pos += 1
                sawWhitespace = true
            default:
                return
            }
        }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard current == byte else { throw error("expected \(what)") }
        pos += 1
    }

    /// Scans any value at the current position and returns where it is.
    mutating func scanValue(depth: Int) throws(JSONSyntaxError) -> JSONSlot {
        switch current {
        case UInt8(ascii: "\""):
            return try scanString()
        case UInt8(ascii: "{"):
            return try scanContainer(depth: depth, object: true)
        case UInt8(ascii: "["):
            return try scanContainer(depth: depth, object: false)
        case UInt8(ascii: "t"):
            return try scanLiteral("true", .bool)
        case UInt8(ascii: "f"):
            return try scanLiteral("false", .bool)
        case UInt8(ascii: "n"):
            return try scanLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try scanNumber()
        default:
            throw error(atEnd ? "unexpected end of input" : "expected a value")
        }
    }

    private mutating func scanLiteral(_ literal: StaticString, _ kind: JSONKind) throws(JSONSyntaxError) -> JSONSlot {
        let start = pos
        let n = literal.utf8CodeUnitCount
        guard count - pos >= n else { throw error("invalid literal") }
        let lit = literal.utf8Start
        for i in 0..<n where base[pos + i] != lit[i] {
            throw error("invalid literal")
        }
        pos += n
        return JSONSlot(kind: kind, start: start, end: pos)
    }

    mutating func scanNumber() throws(JSONSyntaxError) -> JSONSlot {
        let start = pos
        var integer = true
        if current == UInt8(ascii: "-") { pos += 1 }
        let integerStart = pos
        if current == UInt8(ascii: "0") {
            pos += 1
        } else if current >= UInt8(ascii: "1"), current <= UInt8(ascii: "9") {
            while current >= UInt8(ascii: "0"), current <= UInt8(ascii: "9") { pos += 1 }
        } else {
            throw error("invalid number")
        }
        let integerDigits = pos - integerStart
        var fractionStart = pos
        if current == UInt8(ascii: ".") {
            integer = false
            pos += 1
            fractionStart = pos
            guard current >= UInt8(ascii: "0"), current <= UInt8(ascii: "9") else { throw error("invalid number") }
            while current >= UInt8(ascii: "0"), current <= UInt8(ascii: "9") { pos += 1 }
        }
        let fractionDigits = pos - fractionStart
        let outOfRange: Bool
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integer = false
            outOfRange = try scanExponent(
                integerIsZero: base[integerStart] == UInt8(ascii: "0"), integerDigits: integerDigits,
                fractionStart: fractionStart, fractionDigits: fractionDigits
            )
        } else {
            // Without an exponent only the digit counts matter (the integer part has no leading zero).
            outOfRange = integerDigits > NumericLimits.maxIntegerDigits || fractionDigits > NumericLimits.maxScale
        }
        if outOfRange { sawNumberOutOfRange = true }
        return JSONSlot(kind: .number, start: start, end: pos, integer: integer, containsNumberOutOfRange: outOfRange)
    }

    /// Scans an exponent at its `e` and tells whether the number exceeds PostgreSQL `numeric`;
    /// kept out of line so that the common numbers' path stays short.
    @inline(never)
    private mutating func scanExponent(
        integerIsZero: Bool, integerDigits: Int, fractionStart: Int, fractionDigits: Int
    ) throws(JSONSyntaxError) -> Bool {
        pos += 1
        var negative = false
        if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") {
            negative = current == UInt8(ascii: "-")
            pos += 1
        }
        guard current >= UInt8(ascii: "0"), current <= UInt8(ascii: "9") else { throw error("invalid number") }
        // Saturates just past the limit, like PostgreSQL's strtol: more digits change nothing.
        var exponent = 0
        while current >= UInt8(ascii: "0"), current <= UInt8(ascii: "9") {
            if exponent <= NumericLimits.maxExponentMagnitude {
                exponent = exponent * 10 + Int(current - UInt8(ascii: "0"))
            }
            pos += 1
        }
        return NumericLimits.exceeded(
            integerIsZero: integerIsZero, integerDigits: integerDigits,
            fraction: UnsafeBufferPointer(start: base + fractionStart, count: fractionDigits),
            exponent: negative ? -exponent : exponent
        )
    }

    /// Scans a string starting at its opening quote.
    mutating func scanString() throws(JSONSyntaxError) -> JSONSlot {
        pos += 1
        let start = pos
        var escaped = false
        var nul = false
        while true {
            guard pos < count else { throw error("unterminated string") }
            let b = base[pos]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                escaped = true
                pos += 1
                switch current {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    pos += 1
                case UInt8(ascii: "u"):
                    pos += 1
                    let unit = try hex4()
                    if unit == 0 { nul = true }
                    if unit >= 0xD800, unit <= 0xDBFF {
                        guard current == UInt8(ascii: "\\"), pos + 1 < count, base[pos + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate escape")
                        }
                        pos += 2
                        let low = try hex4()
                        guard low >= 0xDC00, low <= 0xDFFF else { throw error("unpaired surrogate escape") }
                    } else if unit >= 0xDC00, unit <= 0xDFFF {
                        throw error("unpaired surrogate escape")
                    }
                default:
                    throw error("invalid escape")
                }
            } else if b < 0x20 {
                throw error("control character in string")
            } else if b < 0x80 {
                pos += 1
            } else {
                try skipUTF8Sequence(lead: b)
            }
        }
        let end = pos
        pos += 1
        if nul { sawNUL = true }
        return JSONSlot(kind: .string, start: start, end: end, escaped: escaped, containsNUL: nul)
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard count - pos >= 4 else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = JSONScanner.hexValue(base[pos]) else { throw error("invalid \\u escape") }
            value = value << 4 | UInt32(digit)
            pos += 1
        }
        return value
    }

    @inline(__always) static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Validates one multi-byte UTF-8 sequence (Unicode Table 3-7) and steps over it.
    private mutating func skipUTF8Sequence(lead: UInt8) throws(JSONSyntaxError) {
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        let continuation: Int
        switch lead {
        case 0xC2...0xDF: continuation = 1
        case 0xE0: continuation = 2; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: continuation = 2
        case 0xED: continuation = 2; upper = 0x9F
        case 0xF0: continuation = 3; lower = 0x90
        case 0xF1...0xF3: continuation = 3
        case 0xF4: continuation = 3; upper = 0x8F
        default: throw error("invalid UTF-8")
        }
        guard count - pos > continuation else { throw error("invalid UTF-8") }
        let second = base[pos + 1]
        guard second >= lower, second <= upper else { throw error("invalid UTF-8") }
        for i in 2...max(2, continuation) where i <= continuation {
            guard base[pos + i] & 0xC0 == 0x80 else { throw error("invalid UTF-8") }
        }
        pos += continuation + 1
    }

    /// Scans an object or array (recursively validating its content) starting at its bracket.
    mutating func scanContainer(depth: Int, object: Bool) throws(JSONSyntaxError) -> JSONSlot {
        guard depth < JSONScanner.maxDepth else { throw error("nesting deeper than \(JSONScanner.maxDepth)") }
        let start = pos
        let nulBefore = sawNUL
        let outOfRangeBefore = sawNumberOutOfRange
        let whitespaceBefore = sawWhitespace
        sawNUL = false
        sawNumberOutOfRange = false
        sawWhitespace = false
        pos += 1
        skipWhitespace()
        let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
        if current == close {
            pos += 1
        } else {
            while true {
                if object {
                    guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
                    _ = try scanString()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"), "':'")
                    skipWhitespace()
                }
                _ = try scanValue(depth: depth + 1)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    pos += 1
                    skipWhitespace()
                } else if current == close {
                    pos += 1
                    break
                } else {
                    throw error(object ? "expected ',' or '}'" : "expected ',' or ']'")
                }
            }
        }
        let slot = JSONSlot(
            kind: object ? .object : .array, start: start, end: pos,
            containsNUL: sawNUL, containsNumberOutOfRange: sawNumberOutOfRange, containsWhitespace: sawWhitespace
        )
        sawNUL = sawNUL || nulBefore
        sawNumberOutOfRange = sawNumberOutOfRange || outOfRangeBefore
        sawWhitespace = sawWhitespace || whitespaceBefore
        return slot
    }

    /// Checks that only whitespace remains.
    mutating func expectEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        guard atEnd else { throw error("unexpected data after the JSON value") }
    }

    // MARK: Decoding slots

    /// Whether the raw (undecoded) bytes of a string slot equal `literal`.
    func rawEquals(_ slot: JSONSlot, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard slot.end - slot.start == n else { return false }
        let lit = literal.utf8Start
        for i in 0..<n where base[slot.start + i] != lit[i] { return false }
        return true
    }

    /// Calls `body` with the decoded UTF-8 bytes of a string slot; no copy unless it has escapes.
    func withStringBytes<R>(_ slot: JSONSlot, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if !slot.escaped {
            return body(UnsafeBufferPointer(start: base + slot.start, count: slot.end - slot.start))
        }
        let decoded = decodeEscapes(slot)
        return decoded.withUnsafeBufferPointer(body)
    }

    /// The decoded `String` of a string slot.
    func string(_ slot: JSONSlot) -> String {
        withStringBytes(slot) { String(decoding: $0, as: UTF8.self) }
    }

    /// Resolves the escapes of an already validated string slot.
    func decodeEscapes(_ slot: JSONSlot) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(slot.end - slot.start)
        var i = slot.start
        @inline(__always) func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 { v = v << 4 | UInt32(JSONScanner.hexValue(base[at + k])!) }
            return v
        }
        while i < slot.end {
            let b = base[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            let e = base[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(i)
                i += 4
                if scalar >= 0xD800, scalar <= 0xDBFF {
                    let low = hex4(i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: Unicode.UTF8.encode(Unicode.Scalar(scalar)!)!)
            default: out.append(e)  // \" \\ \/
            }
        }
        return out
    }

    /// The bytes of an object or array slot with insignificant whitespace removed.
    func compactBytes(_ slot: JSONSlot) -> [UInt8] {
        let raw = UnsafeBufferPointer(start: base + slot.start, count: slot.end - slot.start)
        guard slot.containsWhitespace else { return Array(raw) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var inString = false
        var escapeNext = false
        for b in raw {
            if inString {
                out.append(b)
                if escapeNext {
                    escapeNext = false
                } else if b == UInt8(ascii: "\\") {
                    escapeNext = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                switch b {
                case 0x20, 0x0A, 0x0D, 0x09: continue
                case UInt8(ascii: "\""): inString = true; out.append(b)
                default: out.append(b)
                }
            }
        }
        return out
    }

    /// The size `compactBytes(slot)` would have, without building it.
    func compactCount(_ slot: JSONSlot) -> Int {
        guard slot.containsWhitespace else { return slot.end - slot.start }
        var n = 0
        var inString = false
        var escapeNext = false
        for i in slot.start..<slot.end {
            let b = base[i]
            if inString {
                n += 1
                if escapeNext { escapeNext = false } else if b == UInt8(ascii: "\\") { escapeNext = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else {
                switch b {
                case 0x20, 0x0A, 0x0D, 0x09: continue
                case UInt8(ascii: "\""): inString = true; n += 1
                default: n += 1
                }
            }
        }
        return n
    }
}

extension JSONSlot {
    /// The first byte of the value as written (including a string's opening quote).
    var rawStart: Int { kind == .string ? start - 1 : start }
    /// One past the last byte of the value as written (including a string's closing quote).
    var rawEnd: Int { kind == .string ? end + 1 : end }
}
