import Crypto
import Foundation
import GameMetricsHTTP
import GameMetricsKit

/// The body of one archive object: NDJSON (one `events_raw` row per line, as PostgreSQL's
/// `row_to_json` writes it, in UTC), gzip-compressed, with the
/// checksums that verify it after upload (MD5: S3's ETag of a single-part upload) and in the
/// manifest (SHA-256).
struct ArchiveObject: Sendable {
    let lines: [String]
    let body: [UInt8]
    let sha256: String
    let md5: String

    init(lines: [String]) {
        self.lines = lines
        var text = [UInt8]()
        text.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            text.append(contentsOf: line.utf8)
            text.append(UInt8(ascii: "\n"))
        }
        body = Gzip.compress(text)
        sha256 = Self.sha256(body)
        md5 = Hex.lowercase(Insecure.MD5.hash(data: body))
    }

    /// The lines of a stored body; throws when it is not a complete gzip stream or holds more
    /// than `limit` bytes of text.
    static func lines(of body: [UInt8], limit: Int = 1 << 30) throws -> [String] {
        let text = try Gzip.decompress(body, limit: limit)
        return text.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    static func sha256(_ bytes: [UInt8]) -> String { Hex.lowercase(SHA256.hash(data: bytes)) }

    /// The line's top-level `player_id`; nil when the line is not an archived event.
    static func playerID(of line: String) -> String? {
        guard case .object(let members)? = try? JSONValue(parsing: Array(line.utf8)), case .string(let player)? = members["player_id"] else {
            return nil
        }
        return player
    }
}
