/// A W3C `traceparent` value: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    public static let headerName = "traceparent"

    public let traceID: String
    public let parentID: String
    public let flags: String

    /// Parses a header value; nil for anything malformed, all-zero ids or an unknown shape of version 00.
    public init?(_ header: some StringProtocol) {
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff",
              parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
              parts.prefix(4).allSatisfy({ $0.allSatisfy(\.isLowercaseHexDigit) }),
              parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" })
        else { return nil }
        // Version 00 has exactly four fields; later versions may append more, which we ignore.
        if parts[0] == "00", parts.count != 4 { return nil }
        self.traceID = String(parts[1])
        self.parentID = String(parts[2])
        self.flags = String(parts[3])
    }

    public init(traceID: String, parentID: String, flags: String = "01") {
        self.traceID = traceID
        self.parentID = parentID
        self.flags = flags
    }

    /// A new trace with this service as its root.
    public static func newRoot() -> TraceParent {
        TraceParent(traceID: randomHex(bytes: 16), parentID: randomHex(bytes: 8))
    }

    /// The same trace with a fresh span id, to send downstream as this service's span.
    public func child() -> TraceParent {
        TraceParent(traceID: traceID, parentID: Self.randomHex(bytes: 8), flags: flags)
    }

    public var description: String { "00-\(traceID)-\(parentID)-\(flags)" }

    private static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var hex = ""
        hex.reserveCapacity(bytes * 2)
        while hex.count < bytes * 2 {
            let value = generator.next() as UInt64
            let chunk = String(value, radix: 16)
            hex += String(repeating: "0", count: 16 - chunk.count) + chunk
        }
        return String(hex.prefix(bytes * 2))
    }
}

extension Character {
    fileprivate var isLowercaseHexDigit: Bool {
        ("0"..."9").contains(self) || ("a"..."f").contains(self)
    }
}
