import Foundation
import GameMetricsRecommender

// The recommendation model offline: quality against popularity on planted-taste data
// (`evaluate`), and training time and memory at scale, and the model artifact's size and coding
// time (`train`). Prints one JSON object.
//   recommender-bench evaluate [--players 50000] [--games 2000] [--clusters 20] [--plays-per-player 20]
//     [--games-per-cluster 2·games/clusters] [--seed 1] [ALS options]
//   recommender-bench evaluate --events FILE|- --catalogue FILE [--taste FILE] [--regularization 5,20,100] [ALS options]
//     (the simulator's --dry-run events, --print-catalogue and --print-taste; per tenant)
//   recommender-bench evaluate --interactions FILE|- [--regularization 5,20,100] [ALS options]
//     (player<TAB>game<TAB>count lines)
//   recommender-bench train [--players 1000000] [--games 10000] [--clusters 50] [--plays-per-player 20] [ALS options]
// ALS options: --factors 32 --regularization 100 --alpha 2 --epsilon 1 --linear (c = 1 + alpha·r)
//   --iterations 15 --solver cg|cholesky --cg-steps 3 --loss (train: the objective after each sweep)

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first, ["evaluate", "train"].contains(command) else {
    FileHandle.standardError.write(Data("usage: recommender-bench evaluate|train [--option value ...]\n".utf8))
    exit(2)
}

/// `--name value` pairs, and the flags that take no value.
func parse(_ arguments: ArraySlice<String>) -> (options: [String: String], flags: Set<String>) {
    var options: [String: String] = [:]
    var flags: Set<String> = []
    var position = arguments.startIndex
    while position < arguments.endIndex {
        let name = arguments[position]
        guard name.hasPrefix("--") else { fatalError("unexpected argument \(name)") }
        let key = String(name.dropFirst(2))
        if ["linear", "loss"].contains(key) {
            flags.insert(key)
            position += 1
        } else {
            guard position + 1 < arguments.endIndex else { fatalError("\(name) needs a value") }
            options[key] = arguments[position + 1]
            position += 2
        }
    }
    return (options, flags)
}

let (options, flags) = parse(arguments.dropFirst())

func integer(_ key: String, _ fallback: Int) -> Int {
    guard let text = options[key] else { return fallback }
    guard let value = Int(text) else { fatalError("--\(key) must be an integer") }
    return value
}

func real(_ key: String, _ fallback: Float) -> Float {
    guard let text = options[key] else { return fallback }
    guard let value = Float(text) else { fatalError("--\(key) must be a number") }
    return value
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func rounded(_ value: Double, _ digits: Double = 4) -> Double {
    let scale = pow(10, digits)
    return (value * scale).rounded() / scale
}

/// User plus system CPU time of this process so far: on the shared machine, wall time depends on
/// the other jobs, CPU time much less.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

/// VmHWM (peak resident set) and VmRSS of this process in MiB, from /proc/self/status.
func memoryMiB() -> [String: Double] {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return [:] }
    var result: [String: Double] = [:]
    for line in status.split(separator: "\n") {
        for field in ["VmHWM", "VmRSS"] where line.hasPrefix(field + ":") {
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) }
            result[field + "_MiB"] = (kilobytes ?? 0) / 1024
        }
    }
    return result
}

func printJSON(_ object: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) else { return print(object) }
    print(String(decoding: data, as: UTF8.self))
}

let seed = UInt64(integer("seed", 1))
let defaults = ALSParameters()
let confidence: ConfidenceScaling =
    flags.contains("linear")
    ? .linear(alpha: real("alpha", 1))
    : .logarithmic(alpha: real("alpha", 2), epsilon: real("epsilon", 1))
let solver: LinearSolver =
    switch options["solver"] ?? "cg" {
    case "cg": .conjugateGradient
    case "cholesky": .cholesky
    default: fatalError("--solver is cg or cholesky")
    }
let observed = options["events"] != nil || options["interactions"] != nil
// A comma-separated grid on observed data (the service's default grid, which it picks from on
// the same hold-out), one value otherwise.
let regularizations: [Float] = (options["regularization"] ?? (observed ? "5,20,100" : "\(defaults.regularization)"))
    .split(separator: ",").map {
        guard let value = Float($0) else { fatalError("--regularization takes numbers separated by commas") }
        return value
    }
guard observed || regularizations.count == 1 else { fatalError("a --regularization grid needs --events or --interactions") }
let parameters = ALSParameters(
    factors: integer("factors", defaults.factors), regularization: regularizations[0],
    confidence: confidence, iterations: integer("iterations", defaults.iterations), solver: solver,
    conjugateGradientSteps: integer("cg-steps", defaults.conjugateGradientSteps), seed: seed)
let parameterFields: [String: Any] = [
    "factors": parameters.factors, "regularization": observed ? regularizations as Any : parameters.regularization as Any, "iterations": parameters.iterations,
    "solver": options["solver"] ?? "cg", "cg_steps": parameters.conjugateGradientSteps,
    "confidence": flags.contains("linear")
        ? "linear alpha=\(real("alpha", 1))" : "log alpha=\(real("alpha", 2)) epsilon=\(real("epsilon", 1))",
]

let clock = ContinuousClock()

/// ALS at every λ of the grid against popularity on one hold-out of `history` (split as the
/// service splits before it picks λ), plus the cluster oracle when the true clusters are known.
func evaluate(_ history: PlayHistory, clusterOfPlayerID: [String: Int]?) throws -> [String: Any] {
    let matrix = history.matrix()
    let split = HoldOutSplit(matrix: matrix, seed: seed)
    var daysPerPair = 0.0
    for count in matrix.playerCounts { daysPerPair += Double(count) }
    var result: [String: Any] = [
        "tenant": history.tenant, "players": matrix.players, "games": matrix.games, "non_zeros": matrix.nonZeros,
        "mean_games_per_player": rounded(Double(matrix.nonZeros) / Double(max(1, matrix.players)), 2),
        "mean_count_per_pair": rounded(daysPerPair / Double(max(1, matrix.nonZeros)), 3),
        "training_non_zeros": split.training.nonZeros, "evaluated_players": split.heldOut.count,
    ]
    var candidates: [[String: Any]] = []
    var best: (regularization: Float, ndcg: Double)?
    var popularity: RankingMetrics?
    for regularization in regularizations {
        var candidate = parameters
        candidate.regularization = regularization
        let trainingStart = clock.now
        let trainingCPUStart = cpuSeconds()
        let model = try ImplicitALS.train(matrix: split.training, parameters: candidate)
        let trainingSeconds = seconds(clock.now - trainingStart)
        let trainingCPUSeconds = cpuSeconds() - trainingCPUStart
        let evaluation = OfflineEvaluation.evaluate(split: split, model: model, k: 10)
        popularity = evaluation.popularity
        if best == nil || evaluation.model.ndcg > best!.ndcg { best = (regularization, evaluation.model.ndcg) }
        candidates.append([
            "regularization": regularization,
            "als": ["recall@10": rounded(evaluation.model.recall), "ndcg@10": rounded(evaluation.model.ndcg)],
            "lift": ["recall@10": rounded(evaluation.recallLift), "ndcg@10": rounded(evaluation.ndcgLift)],
            "training_seconds": rounded(trainingSeconds, 2), "training_cpu_seconds": rounded(trainingCPUSeconds, 2),
        ])
    }
    result["als"] = candidates
    result["best_regularization_by_ndcg"] = best?.regularization
    if let popularity {
        result["popularity"] = ["recall@10": rounded(popularity.recall), "ndcg@10": rounded(popularity.ndcg)]
    }
    if let clusterOfPlayerID {
        let clusterOfPlayer = history.players.ids.map { clusterOfPlayerID[$0] }
        let clusters = (clusterOfPlayerID.values.max() ?? 0) + 1
        let oracle = ClusterOracle.model(training: split.training, clusterOfPlayer: clusterOfPlayer, clusters: clusters)
        let ceiling = OfflineEvaluation.evaluate(split: split, model: oracle, k: 10)
        result["cluster_oracle"] = [
            "clusters": clusters, "players_without_cluster": clusterOfPlayer.filter { $0 == nil }.count,
            "recall@10": rounded(ceiling.model.recall), "ndcg@10": rounded(ceiling.model.ndcg),
            "lift_recall@10": rounded(ceiling.recallLift), "lift_ndcg@10": rounded(ceiling.ndcgLift),
        ]
    }
    return result
}

switch command {
case "evaluate" where options["interactions"] != nil:
    let history = try PlayHistory.readInteractions(path: options["interactions"]!)
    var result = try evaluate(history, clusterOfPlayerID: nil)
    result["command"] = "evaluate"
    result["seed"] = seed
    result["parameters"] = parameterFields
    printJSON(result)
case "evaluate" where options["events"] != nil:
    guard let cataloguePath = options["catalogue"] else { fatalError("--events needs --catalogue (player-simulator --print-catalogue)") }
    let readingStart = clock.now
    let histories = try SimulatorPlayHistory(eventsPath: options["events"]!, cataloguePath: cataloguePath)
    let readingSeconds = seconds(clock.now - readingStart)
    // tenant → player id → main cluster, from --print-taste.
    var clusters: [String: [String: Int]] = [:]
    if let tastePath = options["taste"] {
        var reader = try LineReader(path: tastePath)
        let decoder = JSONDecoder()
        while let line = reader.next() {
            guard !line.isEmpty else { continue }
            let taste = try decoder.decode(TasteLine.self, from: Data(line))
            clusters[taste.tenant_id, default: [:]][taste.player_id] = taste.cluster
        }
    }
    var tenants: [[String: Any]] = []
    for history in histories.tenants {
        tenants.append(try evaluate(history, clusterOfPlayerID: options["taste"] == nil ? nil : clusters[history.tenant] ?? [:]))
    }
    printJSON([
        "command": "evaluate", "seed": seed, "parameters": parameterFields, "events": histories.events,
        "game_events": histories.gameEvents, "unattributed_game_events": histories.unattributed,
        "days": histories.days.ids.sorted(), "reading_seconds": rounded(readingSeconds, 2), "tenants": tenants,
    ])
case "evaluate":
    let players = integer("players", 50_000)
    let games = integer("games", 2_000)
    let clusters = integer("clusters", 20)
    let dataset = PlantedTasteDataset(
        players: players, games: games, clusters: clusters, playsPerPlayer: integer("plays-per-player", 20),
        gamesPerCluster: options["games-per-cluster"].map { _ in integer("games-per-cluster", 0) }, seed: seed)
    let split = HoldOutSplit(matrix: dataset.matrix(), seed: seed &+ 1)
    let trainingStart = clock.now
    let trainingCPUStart = cpuSeconds()
    let model = try ImplicitALS.train(matrix: split.training, parameters: parameters)
    let trainingSeconds = seconds(clock.now - trainingStart)
    let trainingCPUSeconds = cpuSeconds() - trainingCPUStart
    let evaluation = OfflineEvaluation.evaluate(split: split, model: model, k: 10)
    let ceiling = OfflineEvaluation.evaluate(split: split, model: dataset.generatingModel(), k: 10)
    printJSON([
        "command": "evaluate", "players": players, "games": games, "clusters": clusters, "seed": seed,
        "training_non_zeros": split.training.nonZeros, "evaluated_players": evaluation.model.players,
        "parameters": parameterFields,
        "als": ["recall@10": rounded(evaluation.model.recall), "ndcg@10": rounded(evaluation.model.ndcg)],
        "popularity": ["recall@10": rounded(evaluation.popularity.recall), "ndcg@10": rounded(evaluation.popularity.ndcg)],
        "lift": ["recall@10": rounded(evaluation.recallLift), "ndcg@10": rounded(evaluation.ndcgLift)],
        "oracle": [
            "recall@10": rounded(ceiling.model.recall), "ndcg@10": rounded(ceiling.model.ndcg),
            "lift_recall@10": rounded(ceiling.recallLift), "lift_ndcg@10": rounded(ceiling.ndcgLift),
        ],
        "training_seconds": rounded(trainingSeconds, 2), "training_cpu_seconds": rounded(trainingCPUSeconds, 2),
    ])
default:
    let players = integer("players", 1_000_000)
    let games = integer("games", 10_000)
    let clusters = integer("clusters", 50)
    let generationStart = clock.now
    let dataset = PlantedTasteDataset(
        players: players, games: games, clusters: clusters, playsPerPlayer: integer("plays-per-player", 20), seed: seed)
    let generationSeconds = seconds(clock.now - generationStart)
    let matrixStart = clock.now
    let matrix = dataset.matrix()
    let matrixSeconds = seconds(clock.now - matrixStart)
    let memoryBeforeTraining = memoryMiB()
    var iterations: [[String: Any]] = []
    let trainingStart = clock.now
    let trainingCPUStart = cpuSeconds()
    let model = try ImplicitALS.train(matrix: matrix, parameters: parameters, computeLoss: flags.contains("loss")) { report in
        var entry: [String: Any] = ["iteration": report.iteration, "seconds": rounded(report.seconds, 2)]
        if let loss = report.loss { entry["loss"] = loss }
        iterations.append(entry)
        FileHandle.standardError.write(Data("iteration \(report.iteration): \(rounded(report.seconds, 2)) s\n".utf8))
    }
    let trainingSeconds = seconds(clock.now - trainingStart)
    let trainingCPUSeconds = cpuSeconds() - trainingCPUStart
    let memoryAfterTraining = memoryMiB()
    // The artifact as the service would upload it: game ids always, player ids too.
    let artifact = ModelArtifact(
        model: model, parameters: parameters, gameIds: (0..<games).map { "game-\($0)" },
        playerIds: (0..<players).map { "player-\($0)" })
    let encodingStart = clock.now
    let bytes = artifact.encode()
    let encodingSeconds = seconds(clock.now - encodingStart)
    let decodingStart = clock.now
    let decoded = try ModelArtifact(decoding: bytes)
    let decodingSeconds = seconds(clock.now - decodingStart)
    precondition(decoded == artifact, "the artifact must decode to what was encoded")
    printJSON([
        "artifact": [
            "bytes": bytes.count, "encode_seconds": rounded(encodingSeconds, 2), "decode_seconds": rounded(decodingSeconds, 2),
        ],
        "command": "train", "players": players, "games": games, "clusters": clusters, "seed": seed,
        "draws": dataset.interactions.count, "non_zeros": matrix.nonZeros, "parameters": parameterFields,
        "generation_seconds": rounded(generationSeconds, 2), "matrix_seconds": rounded(matrixSeconds, 2),
        "training_seconds": rounded(trainingSeconds, 2), "training_cpu_seconds": rounded(trainingCPUSeconds, 2),
        "iterations": iterations,
        "memory_before_training": memoryBeforeTraining, "memory_after_training": memoryAfterTraining,
        "memory_at_end": memoryMiB(),
        "cores": ProcessInfo.processInfo.activeProcessorCount,
    ])
}
