/// Consumer-group settings. Offsets are never committed automatically: the application commits
/// after its write is durable, which is what makes processing at-least-once.
public struct KafkaConsumerConfiguration: Sendable {
    public enum OffsetReset: String, Sendable {
        case earliest, latest
    }

    public var bootstrapServers: [String]
    public var groupID: String
    public var topics: [String]
    public var clientID: String
    /// Where a group with no committed offset starts.
    public var offsetReset: OffsetReset = .earliest
    /// A member that stops heartbeating for this long loses its partitions.
    public var sessionTimeout: Duration = .seconds(10)
    /// Upper bound on records fetched per poll; one batch is handed to the sequence at a time.
    public var maxBatchSize: Int = 500
    /// How long one poll waits for records before checking for shutdown again.
    public var pollTimeout: Duration = .milliseconds(100)
    /// How long leaving the group may take at shutdown; librdkafka's close can block for as long
    /// as the coordinator is unreachable, and shutdown must not.
    public var closeTimeout: Duration = .seconds(10)
    /// Records librdkafka fetches ahead of the application, in KiB: a consumer working off a
    /// backlog holds this much in memory on top of its batches (librdkafka's default is 64 MiB).
    public var prefetchKilobytes: Int = 16_384
    /// TLS and authentication (plaintext by default, as devkafka speaks).
    public var security: KafkaSecurityConfiguration = .plaintext
    public var additionalProperties: [String: String] = [:]

    public init(bootstrapServers: [String], groupID: String, topics: [String], clientID: String) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
        self.topics = topics
        self.clientID = clientID
    }

    var properties: [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "group.id": groupID,
            "client.id": clientID,
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": offsetReset.rawValue,
            "session.timeout.ms": String(sessionTimeout.milliseconds),
            "heartbeat.interval.ms": String(max(sessionTimeout.milliseconds / 4, 100)),
            "enable.partition.eof": "false",
            "queued.max.messages.kbytes": String(prefetchKilobytes),
        ]
        properties.merge(additionalProperties) { _, override in override }
        // Last: no tuning property can weaken TLS or authentication.
        properties.merge(security.properties) { _, fixed in fixed }
        return properties
    }
}
