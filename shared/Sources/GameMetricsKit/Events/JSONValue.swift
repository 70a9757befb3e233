/// A loosely typed JSON value, for reading an event's `properties` and for carrying them
/// through `Codable` coders.
///
/// Numbers keep the text they were written with, so no precision is lost between reading and
/// writing; two numbers are equal when their values are (`1`, `1.0` and `1e0` are equal).
public enum JSONValue: Sendable, Codable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// A JSON number, as its JSON text (e.g. `"42"`, `"-1.5e3"`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses one JSON document.
    public init(parsing json: some Sequence<UInt8>) throws(JSONSyntaxError) {
        let parsed: Result<JSONValue, JSONSyntaxError> = withContiguousBytes(json) { buffer in
            var scanner = JSONScanner(buffer)
            do throws(JSONSyntaxError) {
                scanner.skipWhitespace()
                let value = try JSONValue.build(&scanner, depth: 0)
                try scanner.expectEnd()
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        self = try parsed.get()
    }

    /// Compact JSON text; object keys are sorted so equal values give equal bytes.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        append(to: &out)
        return out
    }

    public var description: String { String(decoding: jsonBytes, as: UTF8.self) }

    func append(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let s): JSONWriter.appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.append(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                members[key]!.append(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Builds the value at the scanner's position (whitespace already skipped).
    static func build(_ scanner: inout JSONScanner, depth: Int) throws(JSONSyntaxError) -> JSONValue {
        switch scanner.current {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let isObject = scanner.current == UInt8(ascii: "{")
            guard depth < JSONScanner.maxDepth else { throw scanner.error("nesting deeper than \(JSONScanner.maxDepth)") }
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            var members: [String: JSONValue] = [:]
            var items: [JSONValue] = []
            scanner.pos += 1
            scanner.skipWhitespace()
            if scanner.current == close {
                scanner.pos += 1
            } else {
                while true {
                    if isObject {
                        guard scanner.current == UInt8(ascii: "\"") else { throw scanner.error("expected a string key") }
                        let key = scanner.string(try scanner.scanString())
                        scanner.skipWhitespace()
                        try scanner.expect(UInt8(ascii: ":"), "':'")
                        scanner.skipWhitespace()
                        members[key] = try build(&scanner, depth: depth + 1)
                    } else {
                        items.append(try build(&scanner, depth: depth + 1))
                    }
                    scanner.skipWhitespace()
                    if scanner.current == UInt8(ascii: ",") {
                        scanner.pos += 1
                        scanner.skipWhitespace()
                    } else if scanner.current == close {
                        scanner.pos += 1
                        break
                    } else {
                        throw scanner.error(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
                    }
                }
            }
            return isObject ? .object(members) : .array(items)
        default:
            let slot = try scanner.scanValue(depth: depth)
            switch slot.kind {
            case .string: return .string(scanner.string(slot))
            case .number:
                return .number(String(decoding: UnsafeBufferPointer(start: scanner.base + slot.start, count: slot.end - slot.start), as: UTF8.self))
            case .bool: return .bool(scanner.base[slot.start] == UInt8(ascii: "t"))
            default: return .null
            }
        }
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a == b
        case let (.number(a), .number(b)):
            if a == b {
                true
            } else if let x = Int64(a), let y = Int64(b) {
                x == y
            } else if let x = Double(a), let y = Double(b) {
                x == y
            } else {
                false
            }
        default: false
        }
    }

    // MARK: Codable

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .number(let text):
            var c = encoder.singleValueContainer()
            if let i = Int64(text) {
                try c.encode(i)
            } else if let u = UInt64(text) {
                try c.encode(u)
            } else if let d = Double(text), d.isFinite {
                try c.encode(d)
            } else {
                throw EncodingError.invalidValue(text, .init(codingPath: encoder.codingPath, debugDescription: "JSON number \(text) does not fit Int64, UInt64 or Double"))
            }
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object(let members):
            var c = encoder.container(keyedBy: Key.self)
            for (key, value) in members { try c.encode(value, forKey: Key(stringValue: key)) }
        }
    }

    public init(from decoder: any Decoder) throws {
        if let c = try? decoder.singleValueContainer() {
            if c.decodeNil() { self = .null; return }
            if let b = try? c.decode(Bool.self) { self = .bool(b); return }
            if let i = try? c.decode(Int64.self) { self = .number(String(i)); return }
            if let u = try? c.decode(UInt64.self) { self = .number(String(u)); return }
            if let d = try? c.decode(Double.self) { self = .number(String(d)); return }
            if let s = try? c.decode(String.self) { self = .string(s); return }
        }
        if let c = try? decoder.container(keyedBy: Key.self) {
            var members: [String: JSONValue] = [:]
            for key in c.allKeys { members[key.stringValue] = try c.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        var c = try decoder.unkeyedContainer()
        var items: [JSONValue] = []
        while !c.isAtEnd { items.append(try c.decode(JSONValue.self)) }
        self = .array(items)
    }
}

/// Runs `body` over contiguous bytes of `bytes`, copying only when it has no contiguous storage.
func withContiguousBytes<R>(_ bytes: some Sequence<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = bytes.withContiguousStorageIfAvailable(body) { return result }
    return Array(bytes).withUnsafeBufferPointer(body)
}
