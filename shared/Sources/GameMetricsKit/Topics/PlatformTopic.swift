/// The platform's Kafka topics, spelled once: the names `charts/kafka/topics.json` declares
/// (a test keeps the two equal). Services default to these and read overrides from `GM_*`.
public enum PlatformTopic {
    /// Validated player events, from ingestion to the processor.
    public static let rawEvents = "player.events.raw"
    /// The latest state per player, from the processor (compacted).
    public static let processedEvents = "player.events.processed"
    /// Rejected events with their reasons.
    public static let invalidEvents = "player.events.invalid"
    /// Erasure requests and every participant's completion.
    public static let erasure = ErasureMessage.topic
    /// Recommendations produced for players.
    public static let recommendations = "recommendations.generated"
    /// Notifications to deliver.
    public static let notifications = "notifications.requested"
    /// Notifications that could not be delivered, with every attempt (from the notification service).
    public static let notificationDeadLetters = "notifications.dlq"

    /// Every topic above.
    public static let all = [rawEvents, processedEvents, invalidEvents, erasure, recommendations, notifications, notificationDeadLetters]
}
