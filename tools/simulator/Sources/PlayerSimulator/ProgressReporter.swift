/// Turns statistics into the JSON lines the simulator prints: a progress line every few
/// seconds (rates over the last interval) and the final summary (rates over the whole run).
struct ProgressReporter {
    let targetRate: Double
    let profile: RateProfile
    private var previous = StatisticsSnapshot()
    private var previousElapsed = 0.0

    init(targetRate: Double, profile: RateProfile) {
        self.targetRate = targetRate
        self.profile = profile
    }

    /// A progress line; `elapsed` is seconds since the start, `lag` how far sending trails
    /// the schedule.
    mutating func progressLine(_ now: StatisticsSnapshot, elapsed: Double, lag: Double) -> String {
        let interval = max(elapsed - previousElapsed, 0.001)
        var line = JSONLine()
        line.add("event", "progress")
        line.add("elapsed_s", elapsed)
        add(now, to: &line)
        line.add("rate", Double(now.accepted - previous.accepted) / interval)
        line.add("sent_rate", Double(now.sent - previous.sent) / interval)
        line.add("target_rate", profile.rate(at: elapsed, base: targetRate))
        line.add("lag_s", max(lag, 0), decimals: 2)
        previous = now
        previousElapsed = elapsed
        return line.text
    }

    /// The final line, with the seed so the run can be repeated.
    func summaryLine(_ now: StatisticsSnapshot, elapsed: Double, seed: UInt64) -> String {
        var line = JSONLine()
        line.add("event", "summary")
        line.add("elapsed_s", elapsed)
        add(now, to: &line)
        line.add("rate", Double(now.accepted) / max(elapsed, 0.001))
        line.add("sent_rate", Double(now.sent) / max(elapsed, 0.001))
        line.add("seed", seed)
        return line.text
    }

    private func add(_ s: StatisticsSnapshot, to line: inout JSONLine) {
        line.add("generated", s.generated)
        line.add("sent", s.sent)
        line.add("accepted", s.accepted)
        line.add("rejected", s.rejected)
        line.add("refused", s.refused)
        line.add("dropped", s.dropped)
        line.add("in_flight", s.inFlight)
        line.add("requests", s.requests)
        line.add("throttled", s.throttled)
        line.add("unavailable", s.unavailable)
        line.add("errors", s.errors)
    }
}
