/// What kind of player someone is: how often they act, relative to others, and how big their
/// stakes and deposits are. Most players are casual; a few high rollers make much of the money.
enum PlayerSegment: String, Sendable, CaseIterable {
    case casual
    case regular
    case highRoller = "high_roller"

    /// Share of the player base.
    var share: Double {
        switch self {
        case .casual: 0.70
        case .regular: 0.25
        case .highRoller: 0.05
        }
    }

    /// Relative chance of being the next player to act (see ``TrafficGenerator``).
    var activity: Int {
        switch self {
        case .casual: 1
        case .regular: 3
        case .highRoller: 6
        }
    }

    /// Multiplier on stakes and deposits.
    var scale: Int64 {
        switch self {
        case .casual: 1
        case .regular: 4
        case .highRoller: 10
        }
    }

    static let maxActivity = 6

    /// The segment a uniform draw `u` in `0..<1` lands on.
    static func segment(for u: Double) -> PlayerSegment {
        var cumulative = 0.0
        for segment in allCases {
            cumulative += segment.share
            if u < cumulative { return segment }
        }
        return .casual
    }
}
