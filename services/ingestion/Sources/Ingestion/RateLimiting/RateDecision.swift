/// Whether a request may proceed under its tenant's rate.
enum RateDecision: Sendable, Equatable {
    case allowed
    /// Over the rate; a token is expected after `retryAfter`.
    case throttled(retryAfter: Duration)

    /// `Retry-After` in whole seconds, at least 1 (the header has no finer unit).
    static func retryAfterSeconds(_ wait: Duration) -> Int {
        max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
    }
}
