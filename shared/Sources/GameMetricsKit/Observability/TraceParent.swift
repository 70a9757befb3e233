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
        var value = String(header.trimmingCharacters(in: .whitespaces))
        let bytes = Array(value.utf8.prefix(56))
        guard bytes.count >= 55, bytes[0].isLowercaseHexDigit, bytes[1].isLowercaseHexDigit else { return nil }
        if bytes[0] != UInt8(ascii: "0") || bytes[1] != UInt8(ascii: "0") {
            guard !(bytes[0] == UInt8(ascii: "f") && bytes[1] == UInt8(ascii: "f")) else { return nil }
            guard bytes.count == 55 || bytes[55] == UInt8(ascii: "-") else { return nil }
            value = "00" + String(decoding: bytes[2..<55], as: UTF8.self)
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
