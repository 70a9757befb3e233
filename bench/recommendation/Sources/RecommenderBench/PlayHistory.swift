import Foundation
import GameMetricsRecommender

/// Observed play of one tenant: what the recommendation service trains on, with string ids
/// mapped to dense indices in order of first appearance (as the service's `TrainingData` does).
struct PlayHistory {
    var tenant: String
    var players = IndexMap()
    var games = IndexMap()
    var interactions: [Interaction] = []

    func matrix() -> InteractionMatrix {
        InteractionMatrix(players: players.count, games: games.count, interactions: interactions)
    }

    /// `player<TAB>game<TAB>count` lines (a count is a positive number; blank lines are skipped).
    static func readInteractions(path: String) throws -> PlayHistory {
        var history = PlayHistory(tenant: path)
        var reader = try LineReader(path: path)
        var number = 0
        while let line = reader.next() {
            number += 1
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            if fields.count == 1 && fields[0].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            guard fields.count == 3, let count = Float(String(decoding: fields[2], as: UTF8.self).trimmingCharacters(in: .whitespaces)),
                count > 0
            else { throw BenchInputError(message: "\(path):\(number): expected player<TAB>game<TAB>positive count") }
            history.interactions.append(
                Interaction(
                    playerIndex: history.players.index(for: String(decoding: fields[0], as: UTF8.self)),
                    gameIndex: history.games.index(for: String(decoding: fields[1], as: UTF8.self)), count: count))
        }
        return history
    }
}
