/// How a notification travels.
enum Channel: String, Sendable, CaseIterable, Codable {
    /// SMTP to a player's or operator's address.
    case email
    /// A signed POST to a tenant's registered endpoint.
    case webhook
    /// A POST to a Slack-compatible incoming webhook (the tenant's, or the platform operators').
    case slack
}
