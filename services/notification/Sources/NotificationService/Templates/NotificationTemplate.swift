/// The messages the service knows how to write. Callers choose one and fill its variables; they
/// never send markup or a template of their own, so nothing a caller sends is ever interpreted.
enum NotificationTemplate: String, Sendable, CaseIterable, Codable {
    case achievementUnlocked = "achievement_unlocked"
    case recommendationsChanged = "recommendations_changed"
    case erasureFinished = "erasure_finished"
    case alert
    case operatorMessage = "operator_message"

    /// Who it is written for: a player's messages honour their preferences and quiet hours and
    /// carry an unsubscribe link; an operator's do not.
    enum Audience: Sendable { case player, `operator` }

    var audience: Audience {
        switch self {
        case .achievementUnlocked, .recommendationsChanged: .player
        case .erasureFinished, .alert, .operatorMessage: .operator
        }
    }

    /// The variables it takes, and which of them it needs.
    var variables: (required: Set<String>, optional: Set<String>) {
        switch self {
        case .achievementUnlocked: (["achievement"], ["game_id", "game_name", "reward"])
        case .recommendationsChanged: ([], ["top_game", "count"])
        case .erasureFinished: (["request_id", "status"], ["finished_at"])
        case .alert: (["status", "alert_name", "summary"], ["severity", "runbook_url", "tenant_id"])
        case .operatorMessage: (["title", "message"], [])
        }
    }
}
