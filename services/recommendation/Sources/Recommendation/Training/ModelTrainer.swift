import Foundation
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsRecommender
import Logging
import PostgresNIO
import S3

/// Trains one tenant's model: reads its play history (``TrainingData``), measures the method on
/// a held-out split against popularity, trains on everything, stores the artifact in S3 (read
/// back and checked), loads the vectors into a partition of their own with an HNSW index, marks
/// the model ready and puts it in the tenant's rollout: as the primary when the tenant has none,
/// else as the candidate with `candidatePercent`. Older models beyond the kept ones are retired.
struct ModelTrainer: Sendable {
    let postgres: PostgresClient
    let subjects: ErasedSubjects
    let bucket: ModelBucket
    let settings: RecommendationSettings
    let logger: Logger

    /// HNSW build settings of every model's game index (ADR 0038 has the measurement).
    static let hnswM = 16
    static let hnswEFConstruction = 64
    /// How many of the tenant's most played games a model keeps for cold starts.
    static let popularKept = 200

    enum Outcome: Sendable, Equatable {
        case trained(ModelRecord)
        case skipped(String)
    }

    func alsParameters(regularization: Float) -> ALSParameters {
        ALSParameters(
            factors: ModelShape.factors, regularization: regularization, confidence: .logarithmic(alpha: settings.alsAlpha, epsilon: 1),
            iterations: settings.alsIterations)
    }

    func train(tenantID: String, now: Date, shouldStop: @escaping @Sendable () -> Bool) async throws -> Outcome {
        let from = now.addingTimeInterval(-Double(settings.trainWindowDays) * 86_400)
        let data = try await TrainingData.read(tenantID: tenantID, from: from, to: now, postgres: postgres, subjects: subjects, logger: logger)
        guard data.players.count >= settings.trainMinPlayers else {
            return .skipped("\(data.players.count) players played in the window; \(settings.trainMinPlayers) are needed")
        }
        let candidates = settings.alsRegularizations.map { alsParameters(regularization: $0) }
        let matrix = InteractionMatrix(players: data.players.count, games: data.games.count, interactions: data.interactions)
        let started = ContinuousClock.now
        // Each λ on the same hold-out; the best by NDCG@10 trains on everything.
        let (model, parameters, evaluation) = try await DedicatedThread.run(name: "training") {
            let split = Self.sampled(HoldOutSplit(matrix: matrix, seed: 1), players: Self.evaluatedPlayers)
            var best: (ALSParameters, OfflineEvaluation)?
            for candidate in candidates {
                let evaluated = try ImplicitALS.train(matrix: split.training, parameters: candidate, shouldStop: shouldStop)
                let evaluation = OfflineEvaluation.evaluate(split: split, model: evaluated, k: 10)
                if best == nil || evaluation.model.ndcg > best!.1.model.ndcg { best = (candidate, evaluation) }
            }
            let (chosen, evaluation) = best!
            return (try ImplicitALS.train(matrix: matrix, parameters: chosen, shouldStop: shouldStop), chosen, evaluation)
        }
        let trainingSeconds = (ContinuousClock.now - started).inSeconds
        guard evaluation.model.ndcg > evaluation.popularity.ndcg else {
            // Served, it would do worse than the tenant's popular games, which players get anyway.
            return .skipped(
                "the best model's NDCG@10 \(evaluation.model.ndcg) on held-out plays does not beat popularity's \(evaluation.popularity.ndcg)")
        }
        let popular = PopularityRanking(matrix: matrix).topGames(k: Self.popularKept).map { data.games.id(at: $0.gameIndex) }
        let version = Self.version(now)
        // Game vectors only: players' vectors stay in PostgreSQL, where an erasure reaches them.
        let games = FactorModel(factors: model.factors, players: 0, games: model.games, playerFactors: [], gameFactors: model.gameFactors)
        let artifact = ModelArtifact(model: games, parameters: parameters, gameIds: data.games.ids, playerIds: nil, createdAt: RFC3339Millis.string(now))
        let metrics = TrainingMetrics(evaluation: evaluation, trainingSeconds: trainingSeconds)
        let metadata = try metrics.metadata(tenantID: tenantID, version: version, parameters: parameters, from: from, to: now, players: data.players.count)
        let stored = try await bucket.store(artifact: artifact.encode(), metadata: metadata, tenantID: tenantID, version: version)
        let loader = ModelLoader(postgres: postgres, logger: logger)
        let record = try await loader.load(
            ModelLoader.NewModel(
                tenantID: tenantID, version: version, windowFrom: from, windowTo: now, players: data.players.count, games: data.games.count,
                interactions: Int64(matrix.nonZeros), parameters: String(decoding: try JSONEncoder().encode(parameters), as: UTF8.self),
                metrics: try metrics.json(), popular: popular, artifactKey: stored.key, artifactSHA256: stored.sha256),
            model: model, players: data.players, games: data.games, matrix: matrix, hnsw: (Self.hnswM, Self.hnswEFConstruction), subjects: subjects)
        try await loader.promote(record, candidatePercent: settings.candidatePercent)
        try await loader.retire(tenantID: tenantID, keeping: settings.keepModels)
        return .trained(record)
    }

    /// Held-out players scored per λ: scoring ranks every game for each of them, which at a
    /// million players cost more than the training itself (bench/recommendation).
    static let evaluatedPlayers = 20_000

    /// The split with every held-out game kept out of training, scored on an evenly spread,
    /// reproducible subset of its players.
    static func sampled(_ split: HoldOutSplit, players: Int) -> HoldOutSplit {
        guard split.heldOut.count > players else { return split }
        let sorted = split.heldOut.keys.sorted()
        let step = Double(sorted.count) / Double(players)
        var kept: [Int32: [Int32]] = [:]
        for index in 0..<players {
            let player = sorted[Int(Double(index) * step)]
            kept[player] = split.heldOut[player]
        }
        return HoldOutSplit(training: split.training, heldOut: kept)
    }

    /// The training's start in UTC to the millisecond, e.g. `20261207T024000.125Z`.
    static func version(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02d.%03dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, c.nanosecond! / 1_000_000)
    }
}
