import GameMetricsKit
import Kafka

extension KafkaProducerConfiguration {
    /// Reads `GM_KAFKA_BOOTSTRAP` (required, comma-separated host:port list),
    /// `GM_KAFKA_MESSAGE_TIMEOUT_MS`, `GM_KAFKA_ENQUEUE_TIMEOUT_MS`, `GM_KAFKA_MAX_QUEUED_MESSAGES`
    /// and `GM_KAFKA_LINGER_MS`.
    public init(environment: EnvironmentReader, clientID: String) throws {
        self.init(bootstrapServers: try kafkaBootstrap(environment), clientID: clientID)
        messageTimeout = try environment.milliseconds("GM_KAFKA_MESSAGE_TIMEOUT_MS", default: messageTimeout)
        enqueueTimeout = try environment.milliseconds("GM_KAFKA_ENQUEUE_TIMEOUT_MS", default: enqueueTimeout)
        maxQueuedMessages = try environment.int("GM_KAFKA_MAX_QUEUED_MESSAGES", default: maxQueuedMessages, in: 1_000...10_000_000)
        linger = try environment.milliseconds("GM_KAFKA_LINGER_MS", default: linger)
    }
}

extension KafkaConsumerConfiguration {
    public init(environment: EnvironmentReader, groupID: String, topics: [String], clientID: String) throws {
        self.init(bootstrapServers: try kafkaBootstrap(environment), groupID: groupID, topics: topics, clientID: clientID)
    }
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
