import Foundation

/// Base64 without padding, in the two alphabets this module needs: URL-safe (RFC 4648 §5) for
/// JOSE (JWS segments, JWK coordinates), PKCE challenges and opaque tokens, and standard
/// (RFC 4648 §4) for PHC password strings.
///
/// Decoding is strict and canonical: padding, whitespace, characters outside the alphabet, an
/// impossible length, and non-zero trailing bits are all rejected. One byte string therefore has
/// exactly one accepted encoding, so a token cannot be re-spelled and still verify.
public enum Base64URL: Sendable {
    /// Encodes `bytes` as base64url without padding.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Alphabet.url.encode(bytes)
    }

    /// Decodes unpadded base64url; `nil` if `string` is not the canonical encoding of some bytes.
    public static func decode(_ string: some StringProtocol) -> [UInt8]? {
        Alphabet.url.decode(string)
    }

    /// The 64-character alphabet plus its reverse lookup table.
    struct Alphabet: Sendable {
        static let url = Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        static let standard = Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

        let symbols: [UInt8]
        /// 0xFF marks a byte that is not in the alphabet.
        let values: [UInt8]

        private init(_ characters: StaticString) {
            let symbols = characters.withUTF8Buffer { Array($0) }
            precondition(symbols.count == 64)
            var values = [UInt8](repeating: 0xFF, count: 256)
            for (index, symbol) in symbols.enumerated() { values[Int(symbol)] = UInt8(index) }
            self.symbols = symbols
            self.values = values
        }

        func encode(_ input: some Sequence<UInt8>) -> String {
            let bytes = Array(input)
            var out = [UInt8]()
            out.reserveCapacity((bytes.count * 4 + 2) / 3)
            var index = 0
            while index + 3 <= bytes.count {
                let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                out.append(symbols[Int(chunk >> 18 & 0x3F)])
                out.append(symbols[Int(chunk >> 12 & 0x3F)])
                out.append(symbols[Int(chunk >> 6 & 0x3F)])
                out.append(symbols[Int(chunk & 0x3F)])
                index += 3
            }
            switch bytes.count - index {
            case 1:
                let chunk = UInt32(bytes[index]) << 16
                out.append(symbols[Int(chunk >> 18 & 0x3F)])
                out.append(symbols[Int(chunk >> 12 & 0x3F)])
            case 2:
                let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
                out.append(symbols[Int(chunk >> 18 & 0x3F)])
                out.append(symbols[Int(chunk >> 12 & 0x3F)])
                out.append(symbols[Int(chunk >> 6 & 0x3F)])
            default:
                break
            }
            return String(decoding: out, as: UTF8.self)
        }

        func decode(_ string: some StringProtocol) -> [UInt8]? {
            let input = Array(string.utf8)
            // A lone trailing symbol carries only 6 bits: no byte string encodes to that length.
            guard input.count % 4 != 1 else { return nil }
            var out = [UInt8]()
            out.reserveCapacity(input.count * 3 / 4)
            var accumulator: UInt32 = 0
            var bits = 0
            for symbol in input {
                let value = values[Int(symbol)]
                guard value != 0xFF else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                    accumulator &= (1 << UInt32(bits)) - 1
                }
            }
            // Leftover bits must be zero, otherwise two spellings would decode to the same bytes.
            guard accumulator == 0 else { return nil }
            return out
        }
    }
}
