/// A budget for lookups of keys nobody has an answer for (see `FailedLookupLimiter`).
protocol LookupAdmission: Sendable {
    /// Takes one lookup from the budget: nil when allowed, otherwise how long until one is.
    func take() -> Duration?
    /// Gives the lookup back: the key turned out to be known, so it was not a failed lookup.
    func refund()
}
