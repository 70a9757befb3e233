import GameMetricsHTTP
import GameMetricsKit

struct DevKafkaConfiguration: Sendable {
    var service: ServiceConfiguration
    var topicSpecPath: String
    var bootstrapFile: String?
    var brokerCount: Int

    init(environment: EnvironmentReader = EnvironmentReader()) throws {
        // devkafka has no internal listener: it is local test infrastructure on loopback, and its
        // control port serves its /metrics itself.
        service = try ServiceConfiguration(name: "devkafka", defaultPort: 9644, defaultInternalPort: 0, environment: environment)
        topicSpecPath = environment.string("GM_DEVKAFKA_TOPICS", default: "charts/kafka/topics.json")
        bootstrapFile = environment.optional("GM_DEVKAFKA_BOOTSTRAP_FILE")
        brokerCount = try environment.int("GM_DEVKAFKA_BROKERS", default: 3, in: 1...9)
    }
}
