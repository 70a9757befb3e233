import GameMetricsKit
import Kafka

extension KafkaProducerConfiguration {
    /// Reads `GM_KAFKA_BOOTSTRAP` (required, comma-separated host:port list),
    /// `GM_KAFKA_MESSAGE_TIMEOUT_MS`, `GM_KAFKA_ENQUEUE_TIMEOUT_MS`, `GM_KAFKA_MAX_QUEUED_MESSAGES`
    /// `GM_KAFKA_LINGER_MS`, and `GM_KAFKA_PRODUCER_PROPERTIES` (`name=value,name=value`: raw
    /// librdkafka properties for tuning without a release; durability settings cannot be
    /// weakened this way), and the connection's security (``KafkaSecurityConfiguration/init(environment:)``).
    public init(environment: EnvironmentReader, clientID: String) throws {
        self.init(bootstrapServers: try kafkaBootstrap(environment), clientID: clientID)
        security = try KafkaSecurityConfiguration(environment: environment)
        messageTimeout = try environment.milliseconds("GM_KAFKA_MESSAGE_TIMEOUT_MS", default: messageTimeout)
        enqueueTimeout = try environment.milliseconds("GM_KAFKA_ENQUEUE_TIMEOUT_MS", default: enqueueTimeout)
        maxQueuedMessages = try environment.int("GM_KAFKA_MAX_QUEUED_MESSAGES", default: maxQueuedMessages, in: 1_000...10_000_000)
        linger = try environment.milliseconds("GM_KAFKA_LINGER_MS", default: linger)
        additionalProperties = try kafkaProperties(environment, "GM_KAFKA_PRODUCER_PROPERTIES")
    }
}

extension KafkaConsumerConfiguration {
    /// Reads `GM_KAFKA_BOOTSTRAP`, `GM_KAFKA_CONSUMER_PREFETCH_KB` (records fetched ahead, KiB) and
    /// `GM_KAFKA_CONSUMER_PROPERTIES` (`name=value,name=value`: raw librdkafka properties for
    /// tuning without a release; the manual offset commits cannot be turned off this way), and the
    /// connection's security (``KafkaSecurityConfiguration/init(environment:)``).
    public init(environment: EnvironmentReader, groupID: String, topics: [String], clientID: String) throws {
        self.init(bootstrapServers: try kafkaBootstrap(environment), groupID: groupID, topics: topics, clientID: clientID)
        security = try KafkaSecurityConfiguration(environment: environment)
        prefetchKilobytes = try environment.int("GM_KAFKA_CONSUMER_PREFETCH_KB", default: prefetchKilobytes, in: 1_024...1_048_576)
        additionalProperties = try kafkaProperties(environment, "GM_KAFKA_CONSUMER_PROPERTIES", fixed: consumerCommitProperties)
    }
}

/// Properties that make acknowledged records durable, and those of TLS and authentication;
/// overriding them is refused.
private let durabilityProperties: Set<String> = Set(["acks", "enable.idempotence", "request.required.acks"])
    .union(KafkaSecurityConfiguration.fixedProperties)
/// Offsets are committed by the application after its write is durable; overriding is refused
/// (nor TLS and authentication).
private let consumerCommitProperties: Set<String> = Set(["enable.auto.commit", "enable.auto.offset.store", "group.id"])
    .union(KafkaSecurityConfiguration.fixedProperties)

private func kafkaProperties(
    _ environment: EnvironmentReader, _ variable: String, fixed: Set<String> = durabilityProperties
) throws -> [String: String] {
    guard let raw = environment.optional(variable) else { return [:] }
    var properties: [String: String] = [:]
    for pair in raw.split(separator: ",") {
        let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ConfigurationError(variable: variable, problem: "must be name=value pairs separated by commas")
        }
        guard !fixed.contains(parts[0]) else {
            throw ConfigurationError(variable: variable, problem: "may not change \(parts[0]) (\(fixed.sorted().joined(separator: ", ")) are fixed)")
        }
        properties[parts[0]] = parts[1]
    }
    return properties
}

private func kafkaBootstrap(_ environment: EnvironmentReader) throws -> [String] {
    let servers = try environment.required("GM_KAFKA_BOOTSTRAP").split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces)
    }
    guard servers.allSatisfy({ $0.split(separator: ":").count == 2 && Int($0.split(separator: ":")[1]) != nil }) else {
        throw ConfigurationError(variable: "GM_KAFKA_BOOTSTRAP", problem: "must be a comma-separated list of host:port")
    }
    return servers
}
