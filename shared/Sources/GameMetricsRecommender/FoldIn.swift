/// A player vector for someone the model was not trained on, or whose activity changed since:
/// the same normal equations as the player half-step of ALS, against the trained game factors,
/// solved exactly (Cholesky). YᵀY + λI is computed once, when this value is made.
public struct FoldIn: Sendable {
    public let model: FactorModel
    public let parameters: ALSParameters
    private let gramian: [Float]

    public init(model: FactorModel, parameters: ALSParameters) {
        precondition(model.factors == parameters.factors)
        self.model = model
        self.parameters = parameters
        gramian =
            model.games == 0
            ? Kernels.identity(model.factors, scaledBy: parameters.regularization)
            : model.gameFactors.withUnsafeBufferPointer { games in
                Kernels.gramian(
                    games.baseAddress!, rows: model.games, factors: model.factors, regularization: parameters.regularization)
            }
    }

    /// The vector of a player with this history (duplicates of a game are summed; games outside
    /// the model are ignored). An empty history gives the zero vector, which ranks nothing above
    /// anything: use the popularity ranking for such players.
    public func playerVector(history: [(gameIndex: Int32, count: Float)]) -> [Float] {
        var summed: [Int32: Float] = [:]
        for (game, count) in history where game >= 0 && Int(game) < model.games && count > 0 {
            summed[game, default: 0] += count
        }
        let games = summed.keys.sorted()
        let confidences = games.map { parameters.confidence.confidence(summed[$0]!) }
        let f = model.factors
        var vector = [Float](repeating: 0, count: f)
        if games.isEmpty { return vector }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: f * f + f)
        let gathered = UnsafeMutablePointer<Float>.allocate(capacity: games.count * f)
        defer {
            scratch.deallocate()
            gathered.deallocate()
        }
        model.gameFactors.withUnsafeBufferPointer { others in
            games.withUnsafeBufferPointer { indices in
                Kernels.gather(others.baseAddress!, indices: indices.baseAddress!, entries: games.count, factors: f, into: gathered)
            }
        }
        _ = gramian.withUnsafeBufferPointer { gramian in
            confidences.withUnsafeBufferPointer { confidences in
                vector.withUnsafeMutableBufferPointer { vector in
                    Kernels.cholesky(
                        x: vector.baseAddress!, gramian: gramian.baseAddress!, vectors: gathered,
                        confidences: confidences.baseAddress!, entries: games.count, factors: f, scratch: scratch)
                }
            }
        }
        return vector
    }
}
