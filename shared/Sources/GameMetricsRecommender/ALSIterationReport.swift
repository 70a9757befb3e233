/// What one sweep of ALS took, for logs and the bench.
public struct ALSIterationReport: Sendable {
    /// 1-based.
    public var iteration: Int
    /// Wall time of the sweep (both half-steps), without the optional loss.
    public var seconds: Double
    /// The implicit-feedback objective after the sweep, when asked for (it costs about a half-step).
    public var loss: Double?
}
