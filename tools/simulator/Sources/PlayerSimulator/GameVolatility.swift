/// How a game's wins are spread: low pays small wins often, high pays rarely but big. Every
/// volatility has the same return to player; only the pay table's shape differs.
enum GameVolatility: String, Sendable, CaseIterable {
    case low, medium, high
}
