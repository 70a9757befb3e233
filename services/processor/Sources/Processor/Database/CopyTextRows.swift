import Foundation
import GameMetricsKit
import NIOCore

/// Rows in `COPY ... FROM STDIN` text format: tab-separated columns, `\N` for NULL, and
/// backslash, tab, newline and carriage return escaped inside values.
struct CopyTextRows {
    private(set) var buffer: ByteBuffer
    private var columnsInRow = 0

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func append(_ value: String?) {
        guard var text = value else {
            separate()
            buffer.writeStaticString("\\N")
            return
        }
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Most values need no escaping: they are written in one piece, else byte by byte.
    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        separate()
        var needsEscaping = false
        for byte in bytes where byte == UInt8(ascii: "\\") || byte < 0x20 {
            needsEscaping = true
            break
        }
        guard needsEscaping else {
            buffer.writeBytes(bytes)
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    /// `bytea` in hex form (`\x0a1b...`; the backslash escaped for COPY).
    mutating func appendBytea(_ bytes: [UInt8]) {
        separate()
        buffer.writeStaticString("\\\\x")
        let digits: StaticString = "0123456789abcdef"
        for byte in bytes {
            buffer.writeInteger(digits.utf8Start[Int(byte >> 4)])
            buffer.writeInteger(digits.utf8Start[Int(byte & 0x0f)])
        }
    }

    mutating func append(_ value: Int64?) {
        append(value.map { String($0) })
    }

    mutating func append(_ date: Date?) {
        append(date.map { RFC3339.format($0) })
    }

    mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        columnsInRow = 0
    }

    private mutating func separate() {
        if columnsInRow > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        columnsInRow += 1
    }
}
