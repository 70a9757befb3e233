import Foundation

/// Implicit-feedback alternating least squares (Hu, Koren, Volinsky, "Collaborative Filtering for
/// Implicit Feedback Datasets", 2008): minimises
/// Σ₍ᵤ,ᵢ₎ cᵤᵢ (pᵤᵢ − xᵤ·yᵢ)² + λ (Σ‖xᵤ‖² + Σ‖yᵢ‖²) over every player × game pair, where pᵤᵢ is 1
/// if u played i and cᵤᵢ its confidence (1 for pairs never played). Each half-step solves every
/// row exactly or nearly so with the other side fixed (players, then games; after the last sweep
/// the players once more); the unobserved pairs enter only through
/// YᵀY, computed once per half-step, so a row costs O(nᵤ·f) (conjugate gradient) or O(nᵤ·f² + f³).
///
/// Training is synchronous and CPU-bound: rows are spread over the cores with
/// `DispatchQueue.concurrentPerform` (Dispatch's worker threads), never the Swift concurrency pool,
/// which a service needs for its requests; call it from a thread of the caller's own.
public enum ImplicitALS {
    /// Trains a model on `matrix`.
    /// - Parameters:
    ///   - shouldStop: checked before every batch of rows and after every half-step, from worker
    ///     threads; once it returns true it must keep doing so (an atomic flag). Training then
    ///     throws `TrainingCancelled` within about one batch's time.
    ///   - computeLoss: also compute the objective after each sweep (for tests and the bench).
    ///   - onIteration: called on the calling thread after each sweep.
    public static func train(
        matrix: InteractionMatrix, parameters: ALSParameters,
        shouldStop: @Sendable () -> Bool = { false }, computeLoss: Bool = false,
        onIteration: (ALSIterationReport) -> Void = { _ in }
    ) throws(TrainingCancelled) -> FactorModel {
        let f = parameters.factors
        var generator = SeededGenerator(seed: parameters.seed)
        // Small positive values, as in the reference implementations: the first half-step then
        // starts from a well-conditioned, nearly λI system.
        let scale = 0.01 / Float(f).squareRoot()
        var playerFactors = (0..<(matrix.players * f)).map { _ in Float(generator.nextUnit()) * scale }
        var gameFactors = (0..<(matrix.games * f)).map { _ in Float(generator.nextUnit()) * scale }
        let playerConfidences = matrix.playerCounts.map { parameters.confidence.confidence($0) }
        let gameConfidences = matrix.gameCounts.map { parameters.confidence.confidence($0) }

        // Nothing to fit without players or games (and no memory to point at).
        if matrix.players == 0 || matrix.games == 0 {
            return FactorModel(
                factors: f, players: matrix.players, games: matrix.games, playerFactors: playerFactors,
                gameFactors: gameFactors)
        }
        for iteration in 0..<parameters.iterations {
            let start = ContinuousClock.now
            let players = HalfStep(
                offsets: matrix.playerOffsets, indices: matrix.playerGames, confidences: playerConfidences)
            guard players.solve(rows: &playerFactors, others: gameFactors, parameters: parameters, shouldStop: shouldStop)
            else { throw TrainingCancelled(completedIterations: iteration) }
            let games = HalfStep(offsets: matrix.gameOffsets, indices: matrix.gamePlayers, confidences: gameConfidences)
            guard games.solve(rows: &gameFactors, others: playerFactors, parameters: parameters, shouldStop: shouldStop)
            else { throw TrainingCancelled(completedIterations: iteration) }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let loss =
                computeLoss
                ? Self.loss(
                    matrix: matrix, playerConfidences: playerConfidences, playerFactors: playerFactors,
                    gameFactors: gameFactors, parameters: parameters) : nil
            onIteration(ALSIterationReport(iteration: iteration + 1, seconds: seconds, loss: loss))
        }
        // A last player half-step: the stored player vectors are then solved against the stored
        // game factors, as a fold-in is, so the two agree (tests: cosine > 0.9, same top games).
        if parameters.iterations > 0 {
            let players = HalfStep(
                offsets: matrix.playerOffsets, indices: matrix.playerGames, confidences: playerConfidences)
            guard players.solve(rows: &playerFactors, others: gameFactors, parameters: parameters, shouldStop: shouldStop)
            else { throw TrainingCancelled(completedIterations: parameters.iterations) }
        }
        return FactorModel(
            factors: f, players: matrix.players, games: matrix.games, playerFactors: playerFactors, gameFactors: gameFactors)
    }

    /// The objective ALS minimises, for `model` on `matrix`.
    public static func loss(matrix: InteractionMatrix, model: FactorModel, parameters: ALSParameters) -> Double {
        loss(
            matrix: matrix, playerConfidences: matrix.playerCounts.map { parameters.confidence.confidence($0) },
            playerFactors: model.playerFactors, gameFactors: model.gameFactors, parameters: parameters)
    }

    /// Σᵤ xᵤᵀ(YᵀY)xᵤ counts every pair as unobserved; each observed pair then swaps its s² for
    /// c(1 − s)². O(nnz·f + players·f²), in parallel.
    static func loss(
        matrix: InteractionMatrix, playerConfidences: [Float], playerFactors: [Float], gameFactors: [Float],
        parameters: ALSParameters
    ) -> Double {
        let f = parameters.factors
        var regularisation: Double = 0
        for value in gameFactors { regularisation += Double(value * value) }
        if matrix.players == 0 || matrix.games == 0 {
            for value in playerFactors { regularisation += Double(value * value) }
            return Double(parameters.regularization) * regularisation
        }
        let chunks = Kernels.ranges(matrix.players, parts: 64)
        var partials = [Double](repeating: 0, count: chunks.count)
        gameFactors.withUnsafeBufferPointer { games in
            let gramian = Kernels.gramian(games.baseAddress!, rows: matrix.games, factors: f, regularization: 0)
            gramian.withUnsafeBufferPointer { gramian in
                playerFactors.withUnsafeBufferPointer { players in
                    matrix.playerOffsets.withUnsafeBufferPointer { offsets in
                        matrix.playerGames.withUnsafeBufferPointer { indices in
                            playerConfidences.withUnsafeBufferPointer { confidences in
                                partials.withUnsafeMutableBufferPointer { partials in
                                    Parallel.forEach(chunks.count) { chunk in
                                        var sum: Double = 0
                                        for player in chunks[chunk] {
                                            let x = players.baseAddress! + player &* f
                                            for row in 0..<f {
                                                sum += Double(x[row] * Kernels.dot(gramian.baseAddress! + row &* f, x, f))
                                            }
                                            sum += Double(parameters.regularization * Kernels.dot(x, x, f))
                                            for entry in offsets[player]..<offsets[player &+ 1] {
                                                let s = Kernels.dot(x, games.baseAddress! + Int(indices[entry]) &* f, f)
                                                sum += Double(confidences[entry] * (1 - s) * (1 - s) - s * s)
                                            }
                                        }
                                        partials[chunk] = sum
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return partials.reduce(0, +) + Double(parameters.regularization) * regularisation
    }
}
