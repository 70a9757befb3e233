import Foundation

/// A notification as the queue holds it.
struct QueuedNotification: Sendable, Equatable {
    var tenantID: String
    var id: UUID
    var channel: Channel
    /// An email address, `player` (the player's address, looked up at each attempt), an
    /// endpoint id, or `platform` (the platform operators' Slack channel).
    var destination: String
    var playerID: String?
    var template: NotificationTemplate
    var data: [String: String]
    /// Attempts started so far, this one included once it is claimed.
    var attempts: Int
    /// How often the DLQ replayed it; each replay counts its attempts afresh.
    var replays: Int
    var createdAt: Date
    var traceparent: String?

    static let playerDestination = "player"
    static let platformDestination = "platform"

    /// The id every attempt of it carries (`Message-ID`, `webhook-id`): receivers drop repeats by it.
    var messageID: String { "msg_" + id.uuidString.lowercased() }
}

/// A new notification to queue, as intake validated it.
struct NewNotification: Sendable, Equatable {
    var tenantID: String
    var idempotencyKey: String
    /// SHA-256 of what was asked (channel, recipient, template, data): the same key with other
    /// content is a conflict, not a repeat.
    var requestHash: [UInt8]
    /// `api`, `topic`, `rule:<name>` or `alertmanager`.
    var source: String
    var channel: Channel
    var destination: String
    var playerID: String?
    var template: NotificationTemplate
    var data: [String: String]
    var traceparent: String?
    /// Set when intake already knows it must not be sent (the player is erased or unsubscribed,
    /// the rule is off): it is recorded as suppressed with this reason and never attempted.
    var suppressedBecause: SuppressionReason?
}

/// Why a notification was not sent although nothing failed.
enum SuppressionReason: String, Sendable, CaseIterable {
    case erased, unsubscribed
    case optedOut = "opted_out"
    case noAddress = "no_address"
    case ruleDisabled = "rule_disabled"
    case noDestination = "no_destination"
}

/// What queueing a notification came to.
enum EnqueueResult: Sendable, Equatable {
    case created(UUID, status: String)
    /// The idempotency key was used before for the same request: nothing new was queued.
    case repeated(UUID, status: String)
    /// The idempotency key was used before for a different request.
    case conflict(UUID)
}
