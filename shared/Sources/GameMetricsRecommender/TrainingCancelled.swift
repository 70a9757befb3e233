/// Thrown by `ImplicitALS.train` when its `shouldStop` returned true; no model is returned.
public struct TrainingCancelled: Error, Sendable, Equatable {
    /// Sweeps completed before the stop was seen.
    public var completedIterations: Int
}
