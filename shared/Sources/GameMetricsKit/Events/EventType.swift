/// The kinds of player event the platform accepts (docs/architecture.md#events).
public enum EventType: String, Codable, Sendable, Hashable, CaseIterable {
    case sessionStart = "session_start"
    case sessionEnd = "session_end"
    case gameRound = "game_round"
    case betPlaced = "bet_placed"
    case betSettled = "bet_settled"
    case deposit
    case withdrawal
    case purchase
    case achievementUnlocked = "achievement_unlocked"
    case levelUp = "level_up"
    case pageView = "page_view"

    /// Whether an event of this type must carry `game_id`.
    public var requiresGameID: Bool {
        switch self {
        case .gameRound, .betPlaced, .betSettled, .achievementUnlocked, .levelUp: true
        case .sessionStart, .sessionEnd, .deposit, .withdrawal, .purchase, .pageView: false
        }
    }

    /// Whether an event of this type must carry `amount`.
    ///
    /// Other types may carry an amount too (a game round's total stake, an achievement's
    /// reward); it is validated by the same rules and kept, but nothing requires it.
    public var requiresAmount: Bool {
        switch self {
        case .betPlaced, .betSettled, .deposit, .withdrawal, .purchase: true
        case .sessionStart, .sessionEnd, .gameRound, .achievementUnlocked, .levelUp, .pageView: false
        }
    }

    private static let names: [(name: StaticString, type: EventType)] = [
        ("bet_placed", .betPlaced), ("bet_settled", .betSettled), ("game_round", .gameRound),
        ("session_start", .sessionStart), ("session_end", .sessionEnd), ("page_view", .pageView),
        ("deposit", .deposit), ("withdrawal", .withdrawal), ("purchase", .purchase),
        ("achievement_unlocked", .achievementUnlocked), ("level_up", .levelUp),
    ]

    /// Matches the UTF-8 bytes of a type name without building a `String`.
    init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        for (name, type) in EventType.names where name.utf8CodeUnitCount == bytes.count {
            let candidate = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            if candidate.elementsEqual(bytes) {
                self = type
                return
            }
        }
        return nil
    }
}
