/// The token schedule: when (in virtual seconds since the start) each successive event is due.
/// Event `i + 1` follows event `i` by `1 / rate(t_i)`, so the stream follows the rate profile
/// exactly and the sender paces whole batches against it instead of sleeping per event.
struct EventSchedule: Sendable {
    let baseRate: Double
    let profile: RateProfile
    /// When the next event is due.
    private(set) var nextOffset: Double = 0

    init(baseRate: Double, profile: RateProfile) {
        precondition(baseRate > 0, "the rate must be positive")
        self.baseRate = baseRate
        self.profile = profile
    }

    /// The due time of the next event, advancing the schedule past it.
    mutating func advance() -> Double {
        let due = nextOffset
        nextOffset += 1 / max(profile.rate(at: due, base: baseRate), 0.001)
        return due
    }
}
