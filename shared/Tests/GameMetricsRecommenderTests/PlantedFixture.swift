import GameMetricsRecommender

/// A small planted-taste data set (the seeds of `recommender-bench evaluate --players 2000 --games 200
/// --clusters 5 --games-per-cluster 20 --factors 16 --regularization 20 --iterations 10 --seed 1`, whose
/// planted clusters let an oracle beat popularity by 111 % on recall@10) and a model trained on its
/// hold-out split, shared by the suites
/// (training once keeps the debug-build suites within seconds).
enum PlantedFixture {
    static let dataset = PlantedTasteDataset(
        players: 2_000, games: 200, clusters: 5, playsPerPlayer: 20, gamesPerCluster: 20, seed: 1)
    static let parameters = ALSParameters(factors: 16, regularization: 20, iterations: 10, seed: 1)
    static let split = HoldOutSplit(matrix: dataset.matrix(), seed: 2)
    static let model = try! ImplicitALS.train(matrix: split.training, parameters: parameters)
}
