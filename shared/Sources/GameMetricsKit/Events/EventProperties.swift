/// An event's `properties`: a JSON object kept as the compact UTF-8 text it arrived as.
///
/// Ingestion validates the object once and keeps its bytes (insignificant whitespace removed,
/// everything else — key order, number spelling, string escapes — exactly as sent), so writing
/// the event to Kafka or PostgreSQL `jsonb` needs no re-serialization and loses nothing.
/// ``byteCount`` is the serialized size the 8 KiB limit applies to. Duplicate keys inside the
/// object are kept as sent (PostgreSQL `jsonb` keeps the last one).
///
/// Two values are equal when their JSON values are equal (key order and number spelling
/// aside); ``value`` parses the object for reading.
public struct EventProperties: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Compact UTF-8 JSON text of an object.
    public let bytes: [UInt8]

    /// `{}`.
    public static let empty = EventProperties(compact: Array("{}".utf8))

    init(compact bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Validates JSON text that must be an object, and keeps it compacted.
    public init(json: some Sequence<UInt8>) throws(JSONSyntaxError) {
        let result: Result<[UInt8], JSONSyntaxError> = withContiguousBytes(json) { buffer in
            var scanner = JSONScanner(buffer)
            do throws(JSONSyntaxError) {
                scanner.skipWhitespace()
                guard scanner.current == UInt8(ascii: "{") else { throw scanner.error("expected a JSON object") }
                let slot = try scanner.scanValue(depth: 0)
                try scanner.expectEnd()
                return .success(scanner.compactBytes(slot))
            } catch {
                return .failure(error)
            }
        }
        self.bytes = try result.get()
    }

    /// Builds properties from members; keys are written in sorted order.
    public init(_ members: [String: JSONValue]) {
        self.bytes = JSONValue.object(members).jsonBytes
    }

    /// The serialized size in bytes.
    public var byteCount: Int { bytes.count }

    public var isEmpty: Bool { bytes.count == 2 }

    /// The JSON text.
    public var jsonString: String { String(decoding: bytes, as: UTF8.self) }

    public var description: String { jsonString }

    /// The parsed members.
    public var value: [String: JSONValue] {
        // The bytes were validated when this value was made, so parsing cannot fail.
        guard case .object(let members)? = try? JSONValue(parsing: bytes) else { return [:] }
        return members
    }

    public subscript(key: String) -> JSONValue? { value[key] }

    public static func == (lhs: EventProperties, rhs: EventProperties) -> Bool {
        lhs.bytes == rhs.bytes || lhs.value == rhs.value
    }

    public func encode(to encoder: any Encoder) throws {
        try JSONValue.object(value).encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        guard case .object(let members) = try JSONValue(from: decoder) else {
            throw DecodingError.typeMismatch(
                [String: JSONValue].self,
                .init(codingPath: decoder.codingPath, debugDescription: "properties must be a JSON object")
            )
        }
        self.init(members)
    }
}
