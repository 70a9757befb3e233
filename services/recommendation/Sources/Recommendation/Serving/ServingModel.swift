import Foundation
import GameMetricsRecommender

/// A model as serving uses it beyond pgvector: its game vectors in memory, to fold in players it
/// was not trained on from their recent plays, and its popular games for cold starts.
struct ServingModel: Sendable {
    let modelID: Int64
    let version: String
    let popular: [String]
    private let games: IndexMap
    private let foldIn: FoldIn

    init(record: ModelRecord, gameVectors: [String: [Float]]) throws {
        let parameters = try JSONDecoder().decode(ALSParameters.self, from: Data(record.parameters.utf8))
        let ids = gameVectors.keys.sorted()
        var factors: [Float] = []
        factors.reserveCapacity(ids.count * parameters.factors)
        for id in ids {
            guard let vector = gameVectors[id], vector.count == parameters.factors else { throw ServingModelError.vectorWidth(id) }
            factors += vector
        }
        modelID = record.modelID
        version = record.version
        popular = record.popular
        games = IndexMap(ids: ids)
        foldIn = FoldIn(
            model: FactorModel(factors: parameters.factors, players: 0, games: ids.count, playerFactors: [], gameFactors: factors), parameters: parameters)
    }

    /// The vector of a player who played these games (times each), or nil when the model knows
    /// none of them.
    func vector(recentPlays: [String: Int]) -> [Float]? {
        let history = recentPlays.compactMap { game, plays in games.index(of: game).map { (gameIndex: $0, count: Float(plays)) } }
        guard !history.isEmpty else { return nil }
        return foldIn.playerVector(history: history)
    }
}

enum ServingModelError: Error, CustomStringConvertible {
    case vectorWidth(String)

    var description: String {
        switch self {
        case .vectorWidth(let game): "the stored vector of \(game) does not have the model's width"
        }
    }
}
