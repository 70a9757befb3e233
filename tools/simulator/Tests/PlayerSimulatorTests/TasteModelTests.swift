import Testing
@testable import PlayerSimulator

@Suite("Players choose games by popularity and by their taste cluster")
struct TasteModelTests {
    /// Plays (`game_round`s) of tenant 0: per player number and per game index.
    struct Plays {
        var byPlayer: [Int: [Int: Int]] = [:]
        var total = 0
    }

    static func plays(events: Int, configuration: TrafficConfiguration = TestTraffic.configuration()) -> (Plays, TasteModel) {
        var generator = TrafficGenerator(configuration)
        let taste = generator.model.tastes[0]
        let index = Dictionary(uniqueKeysWithValues: taste.catalogue.games.enumerated().map { ($0.element.gameID, $0.offset) })
        var plays = Plays()
        for _ in 0..<events {
            let event = generator.next().event
            guard event.tenantIndex == 0, event.type == .gameRound, let gameID = event.gameID else { continue }
            let number = Int(event.playerID.dropFirst("player-".count))!
            plays.byPlayer[number, default: [:]][index[gameID]!, default: 0] += 1
            plays.total += 1
        }
        return (plays, taste)
    }

    @Test("The top 10 % of games get at least 40 % of the plays (4 times their share)")
    func playsAreSkewed() {
        let (plays, taste) = Self.plays(events: 200_000)
        var perGame = Array(repeating: 0, count: taste.catalogue.games.count)
        for games in plays.byPlayer.values { for (game, count) in games { perGame[game] += count } }
        let top = perGame.sorted(by: >).prefix(perGame.count / 10).reduce(0, +)
        #expect(Double(top) / Double(plays.total) > 0.4, "top 10 %: \(top) of \(plays.total)")
    }

    @Test("Players of a cluster concentrate on the cluster's games far more than the tenant does, yet not only on them")
    func clustersAreVisible() {
        let (plays, taste) = Self.plays(events: 300_000)
        var checked = 0
        for k in taste.clusters.indices {
            let probabilities = taste.clusterProbabilities(k)
            let liked = Set(probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(30))
            var clusterPlays = 0
            var clusterLiked = 0
            var allLiked = 0
            for (number, games) in plays.byPlayer {
                let inCluster = taste.clusters(ofPlayer: number).main == k
                for (game, count) in games {
                    if inCluster { clusterPlays += count }
                    if liked.contains(game) {
                        allLiked += count
                        if inCluster { clusterLiked += count }
                    }
                }
            }
            guard clusterPlays >= 2000 else { continue }
            checked += 1
            let clusterShare = Double(clusterLiked) / Double(clusterPlays)
            let tenantShare = Double(allLiked) / Double(plays.total)
            #expect(clusterShare > 1.6 * tenantShare, "cluster \(k): \(clusterShare) vs tenant \(tenantShare)")
            #expect(clusterShare > 0.4 && clusterShare < 0.9, "cluster \(k): \(clusterShare)")
        }
        #expect(checked >= 4)
    }

    @Test("Players are spread over every cluster, by a hash of the seed and their number")
    func clusterAssignment() {
        let taste = TrafficGenerator.tastes(TestTraffic.configuration())[0]
        let again = TrafficGenerator.tastes(TestTraffic.configuration())[0]
        var sizes = Array(repeating: 0, count: taste.clusters.count)
        var withSecond = 0
        for number in 1...10_000 {
            let clusters = taste.clusters(ofPlayer: number)
            #expect(clusters == again.clusters(ofPlayer: number))
            sizes[clusters.main] += 1
            if let second = clusters.second {
                #expect(second != clusters.main)
                withSecond += 1
            }
        }
        #expect(sizes.allSatisfy { $0 > 300 }, "\(sizes)")
        #expect(withSecond > 2000 && withSecond < 3000)
    }

    @Test("A disabled game is never chosen, neither as a favourite nor for a session")
    func disabledGamesAreNeverPlayed() {
        var configuration = TestTraffic.configuration(gamesPerTenant: 2000)
        configuration.playersPerTenant = 50
        let taste = TrafficGenerator.tastes(configuration)[0]
        let disabled = Set(taste.catalogue.games.indices.filter { !taste.catalogue.games[$0].enabled })
        #expect(disabled.count > 20)
        var rng = SeededGenerator(seed: 5)
        for number in 1...200 {
            let clusters = taste.clusters(ofPlayer: number)
            let player = PlayerState(
                tenantIndex: 0, playerID: TrafficGenerator.playerID(number), segment: .casual, currency: "EUR", platform: "web",
                cluster: Int16(clusters.main), secondCluster: Int16(clusters.second ?? -1),
                favouriteGames: taste.favourites(cluster: clusters.main, &rng)
            )
            for i in player.favouriteGames.indices { #expect(!disabled.contains(Int(player.favouriteGames[i]))) }
            for _ in 0..<1000 {
                let game = taste.chooseGame(for: player, &rng)
                #expect(!disabled.contains(game))
            }
        }
        let disabledIDs = Set(disabled.map { taste.catalogue.games[$0].gameID })
        var generator = TrafficGenerator(configuration)
        for _ in 0..<50_000 {
            let event = generator.next().event
            if event.tenantIndex == 0, let gameID = event.gameID { #expect(!disabledIDs.contains(gameID)) }
        }
    }

    @Test("An alias table draws each index in proportion to its weight and never one of weight 0")
    func aliasTable() {
        let weights = [0, 1, 2, 0, 4, 8, 0, 1]
        let table = AliasTable(weights: weights.map(Double.init))
        var rng = SeededGenerator(seed: 3)
        var counts = Array(repeating: 0, count: weights.count)
        for _ in 0..<160_000 { counts[table.sample(&rng)] += 1 }
        for (count, weight) in zip(counts, weights) {
            #expect(abs(Double(count) - Double(weight) * 10_000) < 600 + Double(weight) * 150, "\(counts)")
            if weight == 0 { #expect(count == 0) }
        }
    }

    @Test("--print-taste writes each player's cluster, the one it plays by")
    func printedTaste() throws {
        let configuration = TestTraffic.configuration(playersPerTenant: 30)
        var bytes: [UInt8] = []
        CatalogueWriter.writeTastes(traffic: configuration, tenants: [SimulatedTenant(label: "a"), SimulatedTenant(label: "b")]) {
            bytes += $0
        }
        let lines = bytes.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        #expect(lines.count == 60)
        let players = TrafficGenerator(configuration).players
        for (line, player) in zip(lines, players) {
            let tenant = player.tenantIndex == 0 ? "a" : "b"
            #expect(line == #"{"tenant_id":"\#(tenant)","player_id":"\#(player.playerID)","cluster":\#(player.cluster)}"#)
        }
    }
}
