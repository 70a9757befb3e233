import Testing

@testable import GameMetricsRecommender

@Suite("The interaction matrix sums duplicate plays and indexes them by player and by game")
struct InteractionMatrixTests {
    @Test("duplicates are summed and rows and columns agree")
    func csrAndCsc() {
        let matrix = InteractionMatrix(
            players: 3, games: 4,
            interactions: [
                Interaction(playerIndex: 2, gameIndex: 1, count: 1), Interaction(playerIndex: 0, gameIndex: 3, count: 2),
                Interaction(playerIndex: 0, gameIndex: 1, count: 1), Interaction(playerIndex: 2, gameIndex: 1, count: 4),
                Interaction(playerIndex: 0, gameIndex: 3, count: 0.5),
            ])
        #expect(matrix.nonZeros == 3)
        #expect(Array(matrix.games(ofPlayer: 0).games) == [1, 3])
        #expect(Array(matrix.games(ofPlayer: 0).counts) == [1, 2.5])
        #expect(matrix.games(ofPlayer: 1).games.isEmpty)
        #expect(Array(matrix.games(ofPlayer: 2).counts) == [5])
        #expect(Array(matrix.players(ofGame: 1).players) == [0, 2])
        #expect(Array(matrix.players(ofGame: 1).counts) == [1, 5])
        #expect(Array(matrix.players(ofGame: 3).players) == [0])
        #expect(matrix.players(ofGame: 0).players.isEmpty && matrix.players(ofGame: 2).players.isEmpty)
        #expect(
            matrix.interactions() == [
                Interaction(playerIndex: 0, gameIndex: 1, count: 1), Interaction(playerIndex: 0, gameIndex: 3, count: 2.5),
                Interaction(playerIndex: 2, gameIndex: 1, count: 5),
            ])
    }

    @Test("an index map gives dense indices in order of first appearance and back")
    func indexMap() {
        var map = IndexMap(ids: ["slots-a", "poker", "slots-a"])
        #expect(map.count == 2)
        #expect(map.index(of: "poker") == 1)
        #expect(map.index(of: "roulette") == nil)
        #expect(map.index(for: "roulette") == 2)
        #expect(map.index(for: "poker") == 1)
        #expect(map.id(at: 2) == "roulette")
        #expect(map.ids == ["slots-a", "poker", "roulette"])
    }
}
