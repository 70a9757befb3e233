/// Producer settings. Durability is not configurable: every producer is idempotent with acks=all,
/// so an acknowledged record is on all in-sync replicas and retries never duplicate it.
public struct KafkaProducerConfiguration: Sendable {
    public var bootstrapServers: [String]
    public var clientID: String
    /// How long librdkafka may keep retrying one record before reporting it failed.
    public var messageTimeout: Duration = .seconds(10)
    /// How long `send` waits for room in the local queue before failing with `.queueFull`.
    public var enqueueTimeout: Duration = .seconds(2)
    /// Bound on records waiting in the local queue (memory and backpressure).
    public var maxQueuedMessages: Int = 100_000
    /// Time to gather records into one request; small keeps latency low at modest rates.
    public var linger: Duration = .milliseconds(5)
    public var compression: String = "none"
    /// TLS and authentication (plaintext by default, as devkafka speaks).
    public var security: KafkaSecurityConfiguration = .plaintext
    /// The only topics `send` may write, when set: the topics the service declares (its
    /// KafkaAccess), which are all its KafkaUser may write in a cluster. A record for another
    /// topic fails locally as the broker's ACLs would refuse it, so that local tests (devkafka
    /// has no ACLs) catch a topic the declaration misses. Nil: any topic (tests, tools).
    public var permittedTopics: Set<String>?
    /// Raw librdkafka properties for anything not modelled above; they override the defaults.
    public var additionalProperties: [String: String] = [:]

    public init(bootstrapServers: [String], clientID: String) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
    }

    var properties: [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "client.id": clientID,
            "enable.idempotence": "true",
            "acks": "all",
            "message.timeout.ms": String(messageTimeout.milliseconds),
            "queue.buffering.max.messages": String(maxQueuedMessages),
            "linger.ms": String(linger.milliseconds),
            "compression.codec": compression,
            // TCP_NODELAY, as the Java client always sets: with Nagle, a small segment behind
            // unacknowledged data waits for the peer's delayed ACK (40 ms on Linux), which showed
            // as a 40-60 ms tail on acknowledged batches in bench/ingestion.
            "socket.nagle.disable": "true",
        ]
        properties.merge(additionalProperties) { _, override in override }
        // Last: no tuning property can weaken TLS or authentication.
        properties.merge(security.properties) { _, fixed in fixed }
        return properties
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
