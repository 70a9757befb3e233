/// A tenant's branding and operator destinations, and the rules it turned off.
struct TenantSettings: Sendable, Equatable, Codable {
    var brandName: String
    var brandColor: String
    var brandFooter: String
    var operatorEmail: String?
    var operatorEndpointID: String?
    var disabledRules: Set<NotificationRule>

    static func defaults(tenantID: String) -> TenantSettings {
        TenantSettings(brandName: tenantID, brandColor: "#1f6feb", brandFooter: "", operatorEmail: nil, operatorEndpointID: nil, disabledRules: [])
    }

    enum CodingKeys: String, CodingKey {
        case brandName = "brand_name"
        case brandColor = "brand_color"
        case brandFooter = "brand_footer"
        case operatorEmail = "operator_email"
        case operatorEndpointID = "operator_endpoint_id"
        case disabledRules = "disabled_rules"
    }
}

/// The platform events the service turns into notifications by itself; each can be turned off
/// per tenant.
enum NotificationRule: String, Sendable, CaseIterable, Codable {
    /// `achievement_unlocked` on player.events.raw → the player, by email.
    case achievementUnlocked = "achievement_unlocked"
    /// A player's recommendations changed → the player, at most once a day.
    case recommendationsChanged = "recommendations_changed"
    /// An erasure request finished → the tenant's operators.
    case erasureFinished = "erasure_finished"
}
