import Foundation

/// Hand-rolled UUID text conversion for the hot path (`UUID(uuidString:)` allocates a String).
public enum UUIDText {
    /// Parses the canonical 8-4-4-4-12 hexadecimal form, in either case. No braces, no `urn:`.
    static func parse(utf8 s: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard s.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var i = 0
            for k in 0..<16 {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard s[i] == UInt8(ascii: "-") else { return false }
                    i += 1
                }
                guard let hi = JSONScanner.hexValue(s[i]), let lo = JSONScanner.hexValue(s[i + 1]) else { return false }
                out[k] = hi << 4 | lo
                i += 2
            }
            return true
        }
        return ok ? UUID(uuid: bytes) : nil
    }

    static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    static func isNil(_ uuid: UUID) -> Bool {
        withUnsafeBytes(of: uuid.uuid) { $0.allSatisfy { $0 == 0 } }
    }

    /// Appends the lowercase canonical form (RFC 9562 recommends lowercase output).
    public static func append(_ uuid: UUID, to out: inout [UInt8]) {
        withUnsafeBytes(of: uuid.uuid) { raw in
            for (k, byte) in raw.enumerated() {
                if k == 4 || k == 6 || k == 8 || k == 10 { out.append(UInt8(ascii: "-")) }
                Hex.append(byte, to: &out)
            }
        }
    }

    static func string(_ uuid: UUID) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        append(uuid, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
