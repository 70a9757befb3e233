/// The kind of a game in the catalogue. Each category has its share of a casino's catalogue,
/// its usual spread of volatilities, an id prefix and the words its game names are made of.
enum GameCategory: String, Sendable, CaseIterable {
    case slots
    case table
    case liveCasino = "live-casino"
    case crash
    case instant
    case bingo

    /// Share of the catalogue (slots dominate a real casino's lobby).
    var share: Double {
        switch self {
        case .slots: 0.62
        case .table: 0.08
        case .liveCasino: 0.10
        case .crash: 0.05
        case .instant: 0.09
        case .bingo: 0.06
        }
    }

    /// Shares of low, medium and high volatility among this category's games.
    var volatilityShares: [Double] {
        switch self {
        case .slots: [0.25, 0.40, 0.35]
        case .table: [0.50, 0.35, 0.15]
        case .liveCasino: [0.45, 0.35, 0.20]
        case .crash: [0.15, 0.35, 0.50]
        case .instant: [0.30, 0.40, 0.30]
        case .bingo: [0.35, 0.40, 0.25]
        }
    }

    /// First word of a game id (`slot-aztec-gold-0042`).
    var idPrefix: String {
        switch self {
        case .slots: "slot"
        case .table: "table"
        case .liveCasino: "live"
        case .crash: "crash"
        case .instant: "instant"
        case .bingo: "bingo"
        }
    }

    /// A name is one word from each list, in order ("Aztec" + "Gold").
    var nameParts: (first: [String], second: [String]) {
        switch self {
        case .slots:
            (
                [
                    "Aztec", "Pharaoh", "Viking", "Dragon", "Lucky", "Golden", "Wild", "Mystic", "Neon", "Fruit", "Jungle", "Ocean",
                    "Frozen", "Samurai", "Celtic", "Cosmic", "Wolf", "Buffalo", "Diamond", "Candy", "Pirate", "Olympus", "Safari",
                    "Vampire",
                ],
                [
                    "Gold", "Riches", "Fortune", "Treasure", "Spins", "Megaways", "Reels", "Quest", "Legends", "Bonanza", "Jackpot",
                    "Blaze", "Kingdom", "Nights", "Gems", "Hold and Win",
                ]
            )
        case .table:
            (
                ["European", "American", "French", "Classic", "Multihand", "VIP", "Premium", "Double Ball", "Perfect Pairs", "Atlantic"],
                ["Roulette", "Blackjack", "Baccarat", "Poker", "Craps", "Sic Bo", "Casino Holdem"]
            )
        case .liveCasino:
            (
                ["Lightning", "Speed", "Immersive", "Salon", "Grand", "Infinite", "Golden", "Mega", "Auto", "First Person"],
                ["Roulette", "Blackjack", "Baccarat", "Dragon Tiger", "Money Wheel", "Dice Duel", "Poker", "Game Show"]
            )
        case .crash:
            (
                ["Rocket", "Jet", "Comet", "Balloon", "Moon", "Plane", "Star", "Chicken", "Turbo", "Space"],
                ["X", "Rush", "Crash", "Launch", "Flight", "Climb", "Boom", "Cashout"]
            )
        case .instant:
            (
                ["Neon", "Lucky", "Turbo", "Mini", "Gold", "Crystal", "Pixel", "Royal", "Hot"],
                ["Plinko", "Mines", "Dice", "Hi-Lo", "Scratch", "Keno", "Wheel", "Coin Flip", "Limbo"]
            )
        case .bingo:
            (
                ["Jungle", "Seaside", "Disco", "Candy", "Lucky", "Royal", "Rainbow", "Festival", "Cash"],
                ["Bingo 75", "Bingo 90", "Lotto", "Keno", "Pick 3", "Jackpot Draw", "Scratch Lotto"]
            )
        }
    }

    /// The category a uniform draw `u` in `0..<1` lands on.
    static func category(for u: Double) -> GameCategory {
        var cumulative = 0.0
        for category in allCases {
            cumulative += category.share
            if u < cumulative { return category }
        }
        return .slots
    }

    /// Position in ``allCases`` (preference tables are indexed by it).
    var index: Int { Self.allCases.firstIndex(of: self)! }
}
