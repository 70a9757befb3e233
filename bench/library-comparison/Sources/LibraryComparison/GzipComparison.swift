import CompressNIO
import NIOCore
import OurPieces

/// Request bodies with `Content-Encoding: gzip`: a 500-event batch, as Hummingbird hands it over
/// (a ByteBuffer), decompressed with the 1 MiB limit ingestion applies.
enum GzipComparison {
    static func run(rounds: Int) throws {
        var json = #"{"events":["#
        for i in 0..<500 {
            if i > 0 { json += "," }
            json += #"{"event_id":"0f8fad5b-d9cb-469f-a165-\#(String(100_000_000_000 + i))","player_id":"p-\#(i % 97)","type":"bet_placed","occurred_at":"2026-11-21T23:51:00.123Z","game_id":"roulette-eu","amount":{"minor":\#(250 + i),"currency":"EUR"},"properties":{"table":\#(i % 7)}}"#
        }
        json += "]}"
        let plain = Array(json.utf8)
        let compressed = ByteBuffer(bytes: Gzip.compress(plain))
        let limit = 1 << 20
        var theirsCheck = compressed
        let theirsOutput = Array(buffer: try theirsCheck.decompress(with: .gzip(), maxSize: limit))
        let oursOutput = try Gzip.decompress(compressed.readableBytesView, limit: limit)
        precondition(theirsOutput == plain && oursOutput == plain)
        var total = 0
        try Rounds(name: "gzip_decompress: Gzip.decompress (zlib via CZlib) vs CompressNIO ByteBuffer.decompress(.gzip), \(compressed.readableBytes) -> \(plain.count) bytes", operations: 2000, rounds: rounds).compare(
            ours: { for _ in 0..<2000 { total += try Gzip.decompress(compressed.readableBytesView, limit: limit).count } },
            theirs: {
                for _ in 0..<2000 {
                    var input = compressed
                    total += try input.decompress(with: .gzip(), maxSize: limit).readableBytes
                }
            })
        if total == 42 { print("unlikely") }
    }
}
