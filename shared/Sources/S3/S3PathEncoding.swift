/// Percent-encoding as SigV4 canonicalises it: every byte of the UTF-8 form except the
/// unreserved set `A-Z a-z 0-9 - _ . ~` becomes `%XX` (upper-case hex). curl 7.88 signs the
/// path and query exactly as given, so sending them already canonical makes curl's signature
/// match the one the server computes.
enum S3PathEncoding {
    /// An object key in a path: `/` stays a separator, everything else is encoded.
    static func encodeKey(_ key: String) -> String {
        encode(key, keepSlash: true)
    }

    /// A bucket name, query name or query value: `/` is encoded too.
    static func encodeComponent(_ value: String) -> String {
        encode(value, keepSlash: false)
    }

    /// `name=value` pairs sorted by encoded name, as SigV4's canonical query string requires.
    static func canonicalQuery(_ items: [(String, String)]) -> String {
        items
            .map { (encodeComponent($0.0), encodeComponent($0.1)) }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    private static func encode(_ value: String, keepSlash: Bool) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepSlash:
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
