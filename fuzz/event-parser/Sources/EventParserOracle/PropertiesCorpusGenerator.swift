/// A seeded generator of `properties` objects aimed at the edges where JSON readers and
/// PostgreSQL's `jsonb` part ways: numbers at and beyond `numeric`'s limits, every escape kind,
/// surrogate pairs and lone surrogates, U+0000 in keys and values, raw control characters,
/// non-characters, malformed UTF-8, nesting around the scanner's limit, long strings, duplicate
/// keys, whitespace, and (sometimes) a small syntax mutation. The same seed gives the same
/// sequence on every machine (SplitMix64, no system randomness).
public struct PropertiesCorpusGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The next input (usually an object, sometimes deliberately broken).
    public mutating func next() -> [UInt8] {
        var out: [UInt8] = []
        switch below(100) {
        case 0..<4:
            nested(depth: [61, 62, 63, 64, 65, 600][below(6)], into: &out)
        case 4..<6:
            // A string near or beyond the 8192-byte compact limit.
            out += Array(#"{"long":""#.utf8)
            out += [UInt8](repeating: UInt8(ascii: "x"), count: [8170, 8181, 8182, 8183, 9000][below(5)])
            out += Array(#""}"#.utf8)
        case 6..<9:
            value(depth: 0, into: &out)  // any top level, objects included
        default:
            object(depth: 0, into: &out)
        }
        if below(12) == 0 { mutate(&out) }
        return out
    }

    // MARK: Values

    private mutating func object(depth: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        space(&out)
        let count = below(depth == 0 ? 6 : 4)
        var keys: [[UInt8]] = []
        for i in 0..<count {
            if i > 0 { out.append(UInt8(ascii: ",")); space(&out) }
            var key: [UInt8] = []
            if !keys.isEmpty && below(8) == 0 {
                key = keys[below(keys.count)]  // a duplicate key
            } else {
                string(into: &key)
            }
            keys.append(key)
            out += key
            space(&out)
            out.append(UInt8(ascii: ":"))
            space(&out)
            value(depth: depth + 1, into: &out)
            space(&out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private mutating func value(depth: Int, into out: inout [UInt8]) {
        let roll = depth > 4 ? below(7) : below(9)
        switch roll {
        case 0, 1, 2: number(into: &out)
        case 3, 4: string(into: &out)
        case 5: out += Array(["true", "false", "null"][below(3)].utf8)
        case 6: number(into: &out)
        case 7: object(depth: depth, into: &out)
        default:
            out.append(UInt8(ascii: "["))
            for i in 0..<below(4) {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                space(&out)
                value(depth: depth + 1, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    /// `{"a":{"a":…[1]…}}` with `depth` levels of containers in all.
    private mutating func nested(depth: Int, into out: inout [UInt8]) {
        var closers: [UInt8] = []
        for level in 0..<depth {
            if level == 0 || below(2) == 0 {
                out += Array(#"{"a":"#.utf8)
                closers.append(UInt8(ascii: "}"))
            } else {
                out.append(UInt8(ascii: "["))
                closers.append(UInt8(ascii: "]"))
            }
        }
        out += Array("1".utf8)
        out += closers.reversed()
    }

    // MARK: Numbers

    /// Exponents at and around `numeric`'s limits, and ordinary ones.
    private static let exponents: [String] = [
        "0", "1", "2", "10", "-1", "-5", "+3", "131071", "131072", "131068", "131075", "-16383", "-16384",
        "-16380", "-16379", "16383", "1073741822", "1073741823", "-1073741822", "-1073741823", "999999",
        "2147483647", "2147483648", "-2147483648", "99999999999999999999", "-99999999999999999999",
        "0000000000000000000000000007", "-000000000000000000016384",
    ]

    private mutating func number(into out: inout [UInt8]) {
        if below(2) == 0 { out.append(UInt8(ascii: "-")) }
        let zeroInteger = below(3) == 0
        if zeroInteger {
            out.append(UInt8(ascii: "0"))
        } else {
            out.append(UInt8(ascii: "1") + UInt8(below(9)))
            digits(count: digitCount(), into: &out)
        }
        if below(2) == 0 {
            out.append(UInt8(ascii: "."))
            if below(4) == 0 {
                // Leading zeros in the fraction move the first significant digit down.
                out += [UInt8](repeating: UInt8(ascii: "0"), count: [1, 3, 4, 5, 8][below(5)])
            }
            digits(count: max(1, digitCount()), into: &out)
        }
        if below(2) == 0 {
            out.append(below(2) == 0 ? UInt8(ascii: "e") : UInt8(ascii: "E"))
            out += Array(Self.exponents[below(Self.exponents.count)].utf8)
        }
    }

    private mutating func digitCount() -> Int {
        switch below(20) {
        case 0: [30, 100, 1000][below(3)]
        case 1: [4, 8][below(2)]
        default: below(6)
        }
    }

    private mutating func digits(count: Int, into out: inout [UInt8]) {
        for _ in 0..<count {
            out.append(below(3) == 0 ? UInt8(ascii: "0") : UInt8(ascii: "0") + UInt8(below(10)))
        }
    }

    // MARK: Strings

    private mutating func string(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for _ in 0..<below(6) {
            switch below(20) {
            case 0..<6:
                out.append(UInt8(ascii: "a") + UInt8(below(26)))
            case 6:
                out += Array(["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"][below(8)].utf8)
            case 7:
                unicodeEscape(UInt32(below(0x10000)), into: &out)
            case 8:
                let special: [UInt32] = [0x0000, 0x0001, 0x001F, 0x0020, 0x007F, 0x0080, 0x00E9, 0xFEFF, 0xFFFE, 0xFFFF, 0xFDD0, 0x2028]
                unicodeEscape(special[below(special.count)], into: &out)
            case 9:
                // A surrogate pair, a lone high or low surrogate, or a reversed pair.
                let high = 0xD800 + UInt32(below(0x400)), low = 0xDC00 + UInt32(below(0x400))
                switch below(4) {
                case 0, 1: unicodeEscape(high, into: &out); unicodeEscape(low, into: &out)
                case 2: unicodeEscape(below(2) == 0 ? high : low, into: &out)
                default: unicodeEscape(low, into: &out); unicodeEscape(high, into: &out)
                }
            case 10:
                // Raw UTF-8 of a scalar: BMP, astral, non-characters.
                let scalars: [UInt32] = [0xE9, 0x20AC, 0x1F3B0, 0xFFFE, 0xFFFF, 0xFDD0, 0x10FFFF, 0x1FFFE, 0x0301, 0xFEFF]
                let scalar = below(2) == 0 ? scalars[below(scalars.count)] : UInt32(0xA0 + below(0xD000))
                out += Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
            case 11:
                // A raw control character (JSON refuses), or DEL (allowed).
                out.append([0x00, 0x01, 0x09, 0x0A, 0x1F, 0x7F][below(6)])
            case 12:
                // Malformed UTF-8: overlong, encoded surrogate, out of range, truncated, stray.
                let bad: [[UInt8]] = [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xFF], [0xF0, 0x9F, 0x8E]]
                out += bad[below(bad.count)]
            case 13:
                // Broken escapes: unknown letter, short \u, upper-case \U.
                out += Array(["\\x", "\\u12", "\\U0041", "\\'", "\\u00G0"][below(5)].utf8)
            default:
                out.append(UInt8(ascii: "0") + UInt8(below(10)))
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func unicodeEscape(_ unit: UInt32, into out: inout [UInt8]) {
        let hex = Array((below(2) == 0 ? "0123456789abcdef" : "0123456789ABCDEF").utf8)
        out += [UInt8(ascii: "\\"), UInt8(ascii: "u")]
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(hex[Int((unit >> UInt32(shift)) & 0xF)])
        }
    }

    // MARK: Whitespace and mutations

    private mutating func space(_ out: inout [UInt8]) {
        guard below(6) == 0 else { return }
        for _ in 0...below(2) {
            out.append([0x20, 0x0A, 0x0D, 0x09, 0x0C, 0xA0][below(below(10) == 0 ? 6 : 4)])
        }
    }

    /// One small change: drop, duplicate or replace a byte, or cut the end.
    private mutating func mutate(_ out: inout [UInt8]) {
        guard !out.isEmpty else { return }
        let at = below(out.count)
        switch below(4) {
        case 0: out.remove(at: at)
        case 1: out.insert(out[at], at: at)
        case 2: out[at] = Array(",:[]{}\"\\0-+.eE tnf".utf8)[below(18)]
        default: out.removeLast(below(out.count) + 1)
        }
    }

    // MARK: Randomness

    private mutating func below(_ n: Int) -> Int {
        Int(nextRandom() % UInt64(max(n, 1)))
    }

    private mutating func nextRandom() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
