/// What decides the generated event stream (and nothing else: where it is sent, batch sizes
/// and concurrency do not change a single event).
struct TrafficConfiguration: Sendable, Equatable {
    var seed: UInt64
    var tenantCount: Int
    var playersPerTenant: Int
    /// Games in each tenant's catalogue.
    var gamesPerTenant: Int
    /// Taste clusters in each tenant's player base.
    var tasteClusters: Int
    /// Expected payout per unit staked, e.g. 0.96 (a 4 % house edge).
    var returnToPlayer: Double
    /// Events per second before the profile shapes it.
    var baseRate: Double
    var profile: RateProfile
    /// The virtual clock's zero, in microseconds since 1970: event `i` occurs at
    /// `startMicros` plus its due time in the schedule.
    var startMicros: Int64
}
