import Synchronization

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

    /// Trace and span ids need to be unique, not secret: a SplitMix64 sequence seeded once from
    /// the system generator, advanced atomically, instead of a `getrandom` call per id.
    private static let sequence = Atomic<UInt64>(UInt64.random(in: .min ... .max))
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func nextRandom() -> UInt64 {
        var z = sequence.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `bytes` random bytes (8 or 16) as lowercase hex, never all zeros (W3C forbids that).
    private static func randomHex(bytes: Int) -> String {
        String(unsafeUninitializedCapacity: bytes * 2) { buffer in
            var written = 0
            while written < bytes * 2 {
                var value = nextRandom()
                if value == 0 { value = 1 }
                for _ in 0..<16 where written < bytes * 2 {
                    buffer[written] = hexDigits[Int(value & 0xF)]
                    value >>= 4
                    written += 1
                }
            }
            return written
        }
    }
}

extension Character {
    fileprivate var isLowercaseHexDigit: Bool {
        ("0"..."9").contains(self) || ("a"..."f").contains(self)
    }
}
