/// The hyperparameters of implicit ALS. The defaults were chosen on the planted-taste data set by
/// `recommender-bench evaluate` (see docs/adr/0038-implicit-als-for-recommendations.md); λ is not
/// scaled by the data's size, so choose it again with `OfflineEvaluation` on real plays.
public struct ALSParameters: Sendable, Hashable, Codable {
    /// Latent dimensions f.
    public var factors: Int
    /// λ, the L2 weight on every factor vector (not scaled by the row's count of interactions).
    public var regularization: Float
    /// How counts become confidences.
    public var confidence: ConfidenceScaling
    /// Full sweeps; each solves every player, then every game.
    public var iterations: Int
    /// How each row is solved.
    public var solver: LinearSolver
    /// Conjugate-gradient steps per row and sweep (warm-started, so a few suffice).
    public var conjugateGradientSteps: Int
    /// Seeds the initial factors: the same matrix and parameters give the same model.
    public var seed: UInt64

    public init(
        factors: Int = 32,
        regularization: Float = 100,
        confidence: ConfidenceScaling = .logarithmic(alpha: 2, epsilon: 1),
        iterations: Int = 15,
        solver: LinearSolver = .conjugateGradient,
        conjugateGradientSteps: Int = 3,
        seed: UInt64 = 1
    ) {
        precondition(factors > 0 && iterations >= 0 && conjugateGradientSteps > 0 && regularization >= 0)
        self.factors = factors
        self.regularization = regularization
        self.confidence = confidence
        self.iterations = iterations
        self.solver = solver
        self.conjugateGradientSteps = conjugateGradientSteps
        self.seed = seed
    }
}
