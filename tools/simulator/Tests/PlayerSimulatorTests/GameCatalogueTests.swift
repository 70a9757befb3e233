import Foundation
import GameMetricsKit
import Testing
@testable import PlayerSimulator

@Suite("Each tenant's game catalogue is generated from the seed")
struct GameCatalogueTests {
    static func catalogue(seed: UInt64 = 42, tenant: Int = 0, count: Int = 300) -> GameCatalogue {
        GameCatalogue(seed: GameCatalogue.seed(runSeed: seed, tenantIndex: tenant), count: count)
    }

    @Test("The same seed gives the same catalogue; another seed or tenant another one")
    func deterministic() {
        #expect(Self.catalogue().jsonLine(tenantID: "t") == Self.catalogue().jsonLine(tenantID: "t"))
        #expect(Self.catalogue().games != Self.catalogue(seed: 43).games)
        #expect(Self.catalogue().games != Self.catalogue(tenant: 1).games)
    }

    @Test("A game's id and attributes do not depend on the catalogue's size")
    func gamesAreStableAcrossSizes() {
        let small = Self.catalogue(count: 100).games
        let large = Self.catalogue(count: 5000).games
        #expect(Array(large.prefix(100)) == small)
    }

    @Test("Game ids are unique, URL-safe and valid for ingestion; every field is filled in", arguments: [1, 300, 20_000])
    func fieldsAreValid(count: Int) throws {
        let games = Self.catalogue(count: count).games
        #expect(games.count == count)
        #expect(Set(games.map(\.gameID)).count == count)
        let idPattern = try Regex("^(slot|table|live|crash|instant|bingo)(-[a-z0-9]+)+-[0-9]{4,5}$")
        let datePattern = try Regex("^20(19|2[0-6])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
        for game in games {
            #expect(game.gameID.wholeMatch(of: idPattern) != nil, "\(game.gameID)")
            #expect(game.gameID.unicodeScalars.count <= EventValidator.maxIdentifierLength)
            #expect(!game.name.isEmpty && !game.provider.isEmpty)
            #expect(game.releaseDate.wholeMatch(of: datePattern) != nil, "\(game.releaseDate)")
        }
        #expect(games.contains { $0.enabled })
    }

    @Test("A catalogue of 2000 has all categories, volatilities and at least 15 providers, and a few % disabled")
    func realisticMix() {
        let games = Self.catalogue(count: 2000).games
        #expect(Set(games.map(\.category)) == Set(GameCategory.allCases))
        #expect(Set(games.map(\.volatility)) == Set(GameVolatility.allCases))
        #expect(Set(games.map(\.provider)).count >= 15)
        let slots = games.filter { $0.category == .slots }.count
        #expect(slots > 1000 && slots < 1500)
        let disabled = games.filter { !$0.enabled }.count
        #expect(disabled >= 20 && disabled <= 120, "\(disabled) disabled")
        let years = Set(games.map { $0.releaseDate.prefix(4) })
        #expect(years.count == 8)
    }

    @Test("Release dates are formatted as the calendar says")
    func civilDates() {
        #expect(CatalogueGame.civilDate(days: 0) == "1970-01-01")
        #expect(CatalogueGame.civilDate(days: CatalogueGame.firstReleaseDay) == "2019-01-01")
        #expect(CatalogueGame.civilDate(days: CatalogueGame.lastReleaseDay) == "2026-10-31")
        #expect(CatalogueGame.civilDate(days: 19_782) == "2024-02-29")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        for days in stride(from: 17_000, to: 21_000, by: 37) {
            #expect(CatalogueGame.civilDate(days: days) == formatter.string(from: Date(timeIntervalSince1970: Double(days) * 86_400)))
        }
    }

    @Test("Popularity is Zipf-like: the top 10 % of games hold most of the weight, disabled games none")
    func popularityIsSkewed() {
        let catalogue = Self.catalogue()
        let sorted = catalogue.popularity.sorted(by: >)
        let total = sorted.reduce(0, +)
        #expect(sorted.prefix(30).reduce(0, +) / total > 0.5)
        for (game, weight) in zip(catalogue.games, catalogue.popularity) {
            #expect(game.enabled == (weight > 0))
        }
    }

    @Test("--print-catalogue writes one object per tenant with exactly the agreed fields")
    func exportedJSON() throws {
        var lines: [[UInt8]] = []
        CatalogueWriter.writeCatalogues(
            traffic: TestTraffic.configuration(gamesPerTenant: 50),
            tenants: [SimulatedTenant(label: "tenant-a"), SimulatedTenant(label: "tenant-b")]
        ) { lines.append($0) }
        #expect(lines.count == 2)
        for (line, tenant) in zip(lines, ["tenant-a", "tenant-b"]) {
            #expect(line.last == UInt8(ascii: "\n"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            #expect(Set(object.keys) == ["tenant_id", "games"])
            #expect(object["tenant_id"] as? String == tenant)
            let games = try #require(object["games"] as? [[String: Any]])
            #expect(games.count == 50)
            for game in games {
                #expect(Set(game.keys) == ["game_id", "name", "provider", "category", "volatility", "release_date", "enabled"])
                #expect(GameCategory(rawValue: game["category"] as? String ?? "") != nil)
                #expect(GameVolatility(rawValue: game["volatility"] as? String ?? "") != nil)
                #expect(game["enabled"] is Bool)
            }
        }
    }
}
