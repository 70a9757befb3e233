import Foundation
import GameMetricsKit

/// One tenant's generated game catalogue, deterministic from the seed and the tenant's
/// position, with each game's popularity: Zipf-like over the enabled games ranked by appeal
/// (the k-th most appealing game has weight 1/k, so a few hits and a long tail), raised up to
/// ``recencyBoost`` for the newest releases. A disabled game has popularity 0.
struct GameCatalogue: Sendable {
    let games: [CatalogueGame]
    /// Relative popularity of each game; 0 for a disabled one.
    let popularity: [Double]

    static let zipfExponent = 1.0
    /// The newest release is this much more popular than the oldest of the same rank, plus one.
    static let recencyBoost = 0.6

    /// The catalogue's own seed: each tenant gets another catalogue from the same run seed.
    static func seed(runSeed: UInt64, tenantIndex: Int) -> UInt64 {
        SeededGenerator.mix(SeededGenerator.mix(runSeed ^ 0x6361_7461_6C6F_6775) &+ UInt64(tenantIndex))
    }

    init(seed: UInt64, count: Int) {
        precondition(count > 0)
        let digits = max(4, String(count).count)
        var games = (1...count).map { CatalogueGame.generate(number: $0, digits: digits, catalogueSeed: seed) }
        // Something must be playable.
        if !games.contains(where: \.enabled) { games[0].enabled = true }
        let ranked = games.indices.filter { games[$0].enabled }.sorted { games[$0].appeal > games[$1].appeal }
        let span = Double(CatalogueGame.lastReleaseDay - CatalogueGame.firstReleaseDay)
        var popularity = Array(repeating: 0.0, count: count)
        for (rank, index) in ranked.enumerated() {
            let recency = Double(games[index].releaseDay - CatalogueGame.firstReleaseDay) / span
            popularity[index] = (1 + Self.recencyBoost * recency) / Foundation.pow(Double(rank + 1), Self.zipfExponent)
        }
        self.games = games
        self.popularity = popularity
    }

    /// `{"tenant_id":…,"games":[{"game_id",…,"enabled"},…]}`: the catalogue for the
    /// recommendation service's catalogue API.
    func jsonLine(tenantID: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 * games.count + 64)
        out.append(contentsOf: #"{"tenant_id":"#.utf8)
        JSONWriter.appendString(tenantID, to: &out)
        out.append(contentsOf: #","games":["#.utf8)
        for (i, game) in games.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"game_id":"#.utf8)
            JSONWriter.appendString(game.gameID, to: &out)
            out.append(contentsOf: #","name":"#.utf8)
            JSONWriter.appendString(game.name, to: &out)
            out.append(contentsOf: #","provider":"#.utf8)
            JSONWriter.appendString(game.provider, to: &out)
            out.append(contentsOf: #","category":"#.utf8)
            JSONWriter.appendString(game.category.rawValue, to: &out)
            out.append(contentsOf: #","volatility":"#.utf8)
            JSONWriter.appendString(game.volatility.rawValue, to: &out)
            out.append(contentsOf: #","release_date":"#.utf8)
            JSONWriter.appendString(game.releaseDate, to: &out)
            out.append(contentsOf: (#","enabled":"# + (game.enabled ? "true}" : "false}")).utf8)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
