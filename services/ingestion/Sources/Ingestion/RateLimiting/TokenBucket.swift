/// Token-bucket arithmetic: refills at `rate` tokens per second up to `capacity`.
struct TokenBucket: Sendable {
    private(set) var rate: Double
    private(set) var capacity: Double
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    init(rate: Double, capacity: Double, now: ContinuousClock.Instant) {
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now
    }

    /// Changes the rate (a tenant's limit was edited) keeping the tokens already earned.
    mutating func reconfigure(rate: Double, capacity: Double, now: ContinuousClock.Instant) {
        refill(now)
        self.rate = rate
        self.capacity = capacity
        tokens = min(tokens, capacity)
    }

    /// Takes one token: nil when taken, otherwise how long until one is there.
    mutating func take(now: ContinuousClock.Instant) -> Duration? {
        refill(now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return .seconds((1 - tokens) / rate)
    }

    /// Returns one token taken earlier (the work it paid for turned out not to count).
    mutating func giveBack() {
        tokens = min(capacity, tokens + 1)
    }

    /// Whether the bucket would be full at `now` (an idle bucket carries no state).
    func isFull(now: ContinuousClock.Instant) -> Bool {
        var copy = self
        copy.refill(now)
        return copy.tokens >= capacity
    }

    private mutating func refill(_ now: ContinuousClock.Instant) {
        guard now > updated else { return }
        let elapsed = now - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        tokens = min(capacity, tokens + seconds * rate)
        updated = now
    }
}
