import W3CTraceContext

/// A W3C `traceparent` value. swift-w3c-trace-context parses and prints it (ADR 0017: about 20×
/// faster than the parser this replaced); this type adds the receiver's rule for versions after
/// `00`, which that package refuses, and the child span a service sends downstream.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    public static let headerName = "traceparent"

    public let context: TraceContext

    /// Parses a header value; nil for anything malformed or all-zero ids. A later version is read
    /// as version 00 when its first four fields have version 00's shape, and `ff` is never valid
    /// (W3C Trace Context, "Versioning of traceparent").
    public init?(_ header: some StringProtocol) {
        var value = header.trimmingCharacters(in: .whitespaces)
        let bytes = value.utf8
        guard bytes.count >= 55 else { return nil }
        let (major, minor) = (bytes[bytes.startIndex], bytes[bytes.index(after: bytes.startIndex)])
        guard major.isLowercaseHexDigit, minor.isLowercaseHexDigit else { return nil }
        if major != UInt8(ascii: "0") || minor != UInt8(ascii: "0") {
            guard !(major == UInt8(ascii: "f") && minor == UInt8(ascii: "f")) else { return nil }
            let end = bytes.index(bytes.startIndex, offsetBy: 55)
            guard end == bytes.endIndex || bytes[end] == UInt8(ascii: "-") else { return nil }
            value = "00" + String(decoding: bytes[bytes.index(bytes.startIndex, offsetBy: 2)..<end], as: UTF8.self)
        }
        guard let context = try? TraceContext(traceParentHeaderValue: value) else { return nil }
        self.context = context
    }

    public init(context: TraceContext) {
        self.context = context
    }

    /// A new trace with this service as its root, sampled.
    public static func newRoot() -> TraceParent {
        TraceParent(context: TraceContext(traceID: .random(), spanID: .random(), flags: .sampled, state: TraceState()))
    }

    /// The same trace with a fresh span id, to send downstream as this service's span.
    public func child() -> TraceParent {
        TraceParent(context: TraceContext(traceID: context.traceID, spanID: .random(), flags: context.flags, state: context.state))
    }

    /// The trace id, 32 lowercase hex digits.
    public var traceID: TraceID { context.traceID }
    /// The span id of the sender, 16 lowercase hex digits.
    public var parentID: SpanID { context.spanID }

    public var description: String { context.traceParentHeaderValue }
}

extension UInt8 {
    fileprivate var isLowercaseHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
    }
}
