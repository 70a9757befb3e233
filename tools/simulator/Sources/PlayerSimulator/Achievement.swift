/// Milestones a player unlocks once each; each unlock is an `achievement_unlocked` event.
enum Achievement: String, Sendable, CaseIterable {
    case firstDeposit = "first_deposit"
    case firstWin = "first_win"
    case luckyStreak = "lucky_streak"
    case bigWin = "big_win"
    case highRoller = "high_roller"
    case rounds100 = "rounds_100"
    case rounds1000 = "rounds_1000"
    case level5 = "level_5"
    case level10 = "level_10"

    /// This achievement's bit in ``PlayerState/achievements``.
    var bit: UInt16 { 1 << UInt16(Self.allCases.firstIndex(of: self)!) }
}
