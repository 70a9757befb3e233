import Foundation
import Testing

@testable import GameMetricsRecommender

@Suite("Implicit ALS learns planted tastes, lowers its loss every sweep and stops when asked")
struct ImplicitALSTests {
    @Test("on a planted data set it beats popularity by at least 20 % on recall@10 and NDCG@10")
    func beatsPopularity() {
        let evaluation = OfflineEvaluation.evaluate(split: PlantedFixture.split, model: PlantedFixture.model, k: 10)
        #expect(evaluation.model.players > 1_500)
        #expect(evaluation.popularity.recall > 0)
        #expect(evaluation.recallLift >= 0.2, "\(evaluation)")
        #expect(evaluation.ndcgLift >= 0.2, "\(evaluation)")
    }

    @Test("the objective decreases from each sweep to the next", arguments: [LinearSolver.conjugateGradient, .cholesky])
    func lossDecreases(solver: LinearSolver) throws {
        var parameters = PlantedFixture.parameters
        parameters.iterations = 6
        parameters.solver = solver
        var losses: [Double] = []
        _ = try ImplicitALS.train(matrix: PlantedFixture.split.training, parameters: parameters, computeLoss: true) {
            losses.append($0.loss ?? .nan)
        }
        #expect(losses.count == 6)
        for (earlier, later) in zip(losses, losses.dropFirst()) { #expect(later < earlier, "\(losses)") }
    }

    @Test("the loss equals the objective summed over every player × game pair")
    func lossIsTheObjective() {
        let matrix = InteractionMatrix(
            players: 3, games: 4,
            interactions: [
                Interaction(playerIndex: 0, gameIndex: 1, count: 3), Interaction(playerIndex: 1, gameIndex: 0, count: 1),
                Interaction(playerIndex: 1, gameIndex: 3, count: 8), Interaction(playerIndex: 2, gameIndex: 2, count: 2),
            ])
        let parameters = ALSParameters(factors: 2, regularization: 0.5, confidence: .logarithmic(alpha: 2, epsilon: 1))
        let model = FactorModel(
            factors: 2, players: 3, games: 4, playerFactors: [0.3, -0.2, 1, 0.5, -0.7, 0.1],
            gameFactors: [0.2, 0.4, -0.1, 0.9, 0.6, 0.6, 1.2, -0.3])
        var expected = 0.0
        for player in 0..<3 {
            for game in 0..<4 {
                let (games, counts) = matrix.games(ofPlayer: player)
                let count = games.firstIndex(of: Int32(game)).map { counts[$0] }
                let confidence = Double(count.map { 1 + 2 * log1p($0) } ?? 1)
                let error = (count == nil ? 0 : 1) - Double(model.score(player: player, game: game))
                expected += confidence * error * error
            }
        }
        expected += 0.5 * (model.playerFactors + model.gameFactors).map { Double($0 * $0) }.reduce(0, +)
        let computed = ImplicitALS.loss(matrix: matrix, model: model, parameters: parameters)
        #expect(abs(computed - expected) < 1e-5 * expected, "\(computed) vs \(expected)")
    }

    @Test("the final player half-step lowers the objective below the last sweep's")
    func finalPlayerStep() throws {
        var parameters = PlantedFixture.parameters
        parameters.iterations = 2
        var reported: Double?
        let model = try ImplicitALS.train(matrix: PlantedFixture.split.training, parameters: parameters, computeLoss: true) {
            reported = $0.loss
        }
        let final = ImplicitALS.loss(matrix: PlantedFixture.split.training, model: model, parameters: parameters)
        #expect(final < (try #require(reported)))
    }

    @Test("conjugate gradient and Cholesky reach nearly the same model")
    func solversAgree() throws {
        var parameters = PlantedFixture.parameters
        parameters.solver = .cholesky
        let exact = try ImplicitALS.train(matrix: PlantedFixture.split.training, parameters: parameters)
        let lossCG = ImplicitALS.loss(matrix: PlantedFixture.split.training, model: PlantedFixture.model, parameters: parameters)
        let lossExact = ImplicitALS.loss(matrix: PlantedFixture.split.training, model: exact, parameters: parameters)
        #expect(abs(lossCG - lossExact) <= 0.01 * lossExact, "CG \(lossCG), Cholesky \(lossExact)")
    }

    @Test("the same matrix and parameters give the same model")
    func deterministic() throws {
        var parameters = PlantedFixture.parameters
        parameters.iterations = 2
        let first = try ImplicitALS.train(matrix: PlantedFixture.split.training, parameters: parameters)
        let second = try ImplicitALS.train(matrix: PlantedFixture.split.training, parameters: parameters)
        #expect(first == second)
    }

    @Test("a matrix without players or without games gives a model of the right shape", arguments: [(0, 5), (4, 0), (0, 0)])
    func emptyMatrix(players: Int, games: Int) throws {
        let matrix = InteractionMatrix(players: players, games: games, interactions: [])
        let parameters = ALSParameters(factors: 4, iterations: 2)
        let model = try ImplicitALS.train(matrix: matrix, parameters: parameters, computeLoss: true)
        #expect(model.playerFactors.count == players * 4 && model.gameFactors.count == games * 4)
        #expect(ImplicitALS.loss(matrix: matrix, model: model, parameters: parameters) >= 0)
        let folded = FoldIn(model: model, parameters: parameters).playerVector(history: [(0, 1)])
        #expect(folded.count == 4)
        if games == 0 { #expect(folded == [0, 0, 0, 0]) }
    }

    @Test("a stop requested after the second sweep ends training with two sweeps done")
    func stopsBetweenIterations() {
        let stop = StopFlag()
        var parameters = PlantedFixture.parameters
        parameters.iterations = 50
        var seen = 0
        #expect(throws: TrainingCancelled(completedIterations: 2)) {
            try ImplicitALS.train(matrix: PlantedFixture.split.training, parameters: parameters, shouldStop: { stop.isSet }) {
                seen = $0.iteration
                if $0.iteration == 2 { stop.set() }
            }
        }
        #expect(seen == 2)
    }

    @Test("a stop requested inside a half-step is seen before the next batch of rows")
    func stopsWithinIteration() {
        let checks = StopFlag()
        var parameters = PlantedFixture.parameters
        parameters.iterations = 50
        let start = ContinuousClock.now
        #expect(throws: TrainingCancelled(completedIterations: 0)) {
            // Stops on the fifth check: inside the first half-step, after a few batches.
            try ImplicitALS.train(matrix: PlantedFixture.split.training, parameters: parameters, shouldStop: { checks.count() >= 5 })
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}

/// A flag the training's worker threads read while a test sets it.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    private var checks = 0

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }

    /// Counts calls, returning how many there have been including this one.
    func count() -> Int {
        lock.withLock {
            checks += 1
            return checks
        }
    }
}
