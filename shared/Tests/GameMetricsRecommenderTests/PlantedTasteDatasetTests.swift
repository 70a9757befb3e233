import Testing

@testable import GameMetricsRecommender

@Suite("The planted-taste generator is reproducible and puts most plays in each player's cluster")
struct PlantedTasteDatasetTests {
    @Test("same seed, same data; another seed, other data")
    func seeded() {
        let first = PlantedTasteDataset(players: 300, games: 100, clusters: 4, seed: 1)
        let again = PlantedTasteDataset(players: 300, games: 100, clusters: 4, seed: 1)
        let other = PlantedTasteDataset(players: 300, games: 100, clusters: 4, seed: 2)
        #expect(first.interactions == again.interactions)
        #expect(first.interactions != other.interactions)
    }

    @Test("about clusterShare of the draws fall in the player's cluster, the rest near chance, and popular games lead")
    func structure() {
        let dataset = PlantedTasteDataset(
            players: 2_000, games: 400, clusters: 8, playsPerPlayer: 10, gamesPerCluster: 40, clusterShare: 0.7,
            popularShare: 0.2, seed: 4)
        let clusterSets = dataset.clusterGames.map(Set.init)
        let inCluster = dataset.interactions.filter { clusterSets[Int(dataset.playerCluster[Int($0.playerIndex)])].contains($0.gameIndex) }
        let share = Double(inCluster.count) / Double(dataset.interactions.count)
        // 0.7 from the cluster, plus the popular and noise draws that land in it by chance.
        #expect(share > 0.7 && share < 0.85, "\(share)")
        #expect(dataset.clusterGames.allSatisfy { $0.count == 40 })
        let popularity = PopularityRanking(matrix: dataset.matrix())
        #expect(popularity.ranked.prefix(3).contains { $0.gameIndex < 3 })
        #expect(dataset.interactions.allSatisfy { $0.count >= 1 && $0.count == $0.count.rounded() })
    }

    @Test("the generating model gives each cluster a probability distribution over games")
    func generatingModel() {
        let dataset = PlantedTasteDataset(players: 50, games: 60, clusters: 3, gamesPerCluster: 10, seed: 8)
        let model = dataset.generatingModel()
        for cluster in 0..<3 {
            let total = (0..<60).map { Double(model.gameFactors[$0 * 3 + cluster]) }.reduce(0, +)
            #expect(abs(total - 1) < 1e-5)
        }
        let player = 7
        let cluster = Int(dataset.playerCluster[player])
        #expect(model.playerVector(player).enumerated().allSatisfy { $0.element == ($0.offset == cluster ? 1 : 0) })
    }
}
