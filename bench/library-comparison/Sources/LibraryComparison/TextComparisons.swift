import ExtrasBase64
import Foundation
import GameMetricsAuth
import GameMetricsKit
import OurPieces
import W3CTraceContext

/// Small text formats on the hot paths: RFC 3339 times (every event), `traceparent` (every
/// request and record), base64url (every JWT).
enum TextComparisons {
    static func run(rounds: Int) throws {
        let times = (0..<200_000).map { i in
            "2026-11-\(10 + i % 18)T\(10 + i % 13):\(10 + i % 49):\(10 + i % 49).\(100_000 + i % 899_999)Z"
        }
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var sink = 0.0
        // Foundation must at least parse what we parse, or the comparison means nothing.
        let agree = try times.prefix(1000).allSatisfy { abs(try style.parse($0).timeIntervalSince1970 - RFC3339.parse($0)!.timeIntervalSince1970) < 0.001 }
        precondition(agree)
        try Rounds(name: "rfc3339_parse: RFC3339.parse vs Foundation Date.ISO8601FormatStyle.parse", operations: times.count, rounds: rounds).compare(
            ours: { for t in times { sink += RFC3339.parse(t)!.timeIntervalSince1970 } },
            theirs: { for t in times { sink += try style.parse(t).timeIntervalSince1970 } })

        let dates = times.map { RFC3339.parse($0)! }
        var length = 0
        Rounds(name: "rfc3339_format: RFC3339.format vs Foundation Date.ISO8601FormatStyle.format", operations: dates.count, rounds: rounds).compare(
            ours: { for d in dates { length += RFC3339.format(d).utf8.count } },
            theirs: { for d in dates { length += style.format(d).utf8.count } })

        let headers = (0..<200_000).map { _ in TraceParent.newRoot().description }
        let same = try headers.prefix(1000).allSatisfy { try TraceContext(traceParentHeaderValue: $0).traceParentHeaderValue == TraceParent($0)!.description }
        precondition(same)
        try Rounds(name: "traceparent_parse: TraceParent(header) vs W3CTraceContext TraceContext(traceParentHeaderValue:)", operations: headers.count, rounds: rounds).compare(
            ours: { for h in headers { length += TraceParent(h)!.flags.utf8.count } },
            theirs: { for h in headers { length += Int(try TraceContext(traceParentHeaderValue: h).flags.rawValue) } })
        try Rounds(name: "traceparent_child: parse, new span, format (ours) vs the same with W3CTraceContext", operations: headers.count, rounds: rounds).compare(
            ours: { for h in headers { length += TraceParent(h)!.child().description.utf8.count } },
            theirs: {
                for h in headers {
                    let parent = try TraceContext(traceParentHeaderValue: h)
                    let child = TraceContext(traceID: parent.traceID, spanID: .random(), flags: parent.flags, state: parent.state)
                    length += child.traceParentHeaderValue.utf8.count
                }
            })

        let payloads = (0..<100_000).map { i in (0..<(64 + i % 400)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) } }
        let encoded = payloads.map { Base64URL.encode($0) }
        let options: Base64.EncodingOptions = [.base64UrlAlphabet, .omitPaddingCharacter]
        precondition(payloads.prefix(1000).allSatisfy { Base64.encodeToString(bytes: $0, options: options) == Base64URL.encode($0) })
        Rounds(name: "base64url_encode: Base64URL.encode vs ExtrasBase64", operations: payloads.count, rounds: rounds).compare(
            ours: { for p in payloads { length += Base64URL.encode(p).utf8.count } },
            theirs: { for p in payloads { length += Base64.encodeToString(bytes: p, options: options).utf8.count } })
        try Rounds(name: "base64url_decode: Base64URL.decode vs ExtrasBase64", operations: encoded.count, rounds: rounds).compare(
            ours: { for e in encoded { length += Base64URL.decode(e)!.count } },
            theirs: { for e in encoded { length += try Base64.decode(string: e, options: [.base64UrlAlphabet, .omitPaddingCharacter]).count } })
        if sink == 42 || length == 42 { print("unlikely") }
    }
}
