import GameMetricsKit

/// Builds one JSON object on one line, members in the order added (for the progress and
/// summary lines on stdout).
struct JSONLine {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]

    init() {}

    mutating func add(_ key: String, _ value: String) {
        member(key)
        JSONWriter.appendString(value, to: &bytes)
    }

    mutating func add(_ key: String, _ value: Int) {
        member(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func add(_ key: String, _ value: UInt64) {
        member(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A number with at most `decimals` fractional digits (trailing zeros dropped).
    mutating func add(_ key: String, _ value: Double, decimals: Int = 1) {
        member(key)
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
        if text.hasPrefix("-0") && Double(text) == 0 { text = "0" }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func add(_ key: String, _ values: [Int]) {
        member(key)
        bytes.append(contentsOf: ("[" + values.map(String.init).joined(separator: ",") + "]").utf8)
    }

    mutating func add(_ key: String, _ values: [String]) {
        member(key)
        bytes.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    var text: String { String(decoding: bytes + [UInt8(ascii: "}")], as: UTF8.self) }

    private mutating func member(_ key: String) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        JSONWriter.appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }
}
