/// Writes one JSON object member by member, placing the commas itself: for small documents
/// built by hand (published records, pub/sub messages) on top of `JSONWriter`.
public struct JSONObjectWriter {
    private var out: [UInt8]
    private var hasMembers = false

    public init(capacity: Int = 128) {
        out = []
        out.reserveCapacity(capacity)
        out.append(UInt8(ascii: "{"))
    }

    /// A string member; `nil` is written as `null`.
    public mutating func string(_ key: StaticString, _ value: String?) {
        member(key)
        if let value { JSONWriter.appendString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    public mutating func integer(_ key: StaticString, _ value: Int64) {
        member(key)
        JSONWriter.appendInteger(value, to: &out)
    }

    /// A member whose value is already JSON text (a number, an array of objects, ...).
    public mutating func json(_ key: StaticString, _ value: some Sequence<UInt8>) {
        member(key)
        out.append(contentsOf: value)
    }

    /// The object's bytes, closed.
    public consuming func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        return out
    }

    private mutating func member(_ key: StaticString) {
        if hasMembers { out.append(UInt8(ascii: ",")) }
        hasMembers = true
        JSONWriter.appendKey(key, to: &out)
    }
}
