import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// devkafka: a 3-broker Kafka (librdkafka's mock cluster) with the project's topics, for local
/// runs and tests, plus an HTTP control port for fault injection.
@main
struct DevKafka {
    static func main() async {
        await ServiceMain.run {
            let configuration = try DevKafkaConfiguration()
            return try buildApplication(configuration)
        }
    }
}

func buildApplication(_ configuration: DevKafkaConfiguration) throws -> some ApplicationProtocol {
    let registry = Observability.bootstrap(service: "devkafka", logLevel: configuration.service.logLevel)
    let logger = Observability.logger(service: "devkafka", level: configuration.service.logLevel)
    let spec = try TopicSpec.load(path: configuration.topicSpecPath)
    let cluster = try MockCluster(brokers: configuration.brokerCount)
    for topic in spec.topics {
        try cluster.createTopic(topic.name, partitions: topic.partitions)
    }
    if let path = configuration.bootstrapFile {
        try Data((cluster.bootstrapServers + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
    logger.info(
        "mock cluster up",
        metadata: [
            "bootstrap": "\(cluster.bootstrapServers)", "brokers": "\(configuration.brokerCount)", "topics": "\(spec.topics.count)",
        ])

    let health = HealthController(checks: [
        ReadinessCheck("brokers") {
            guard cluster.snapshot().brokers.contains(where: \.up) else { throw MockClusterError.noBrokerUp }
        }
    ])
    let router = Router.platform(health: health)
    // Local infrastructure on loopback, not a platform service: its metrics (no tenant data)
    // stay on the control port, where `make up`'s Prometheus scrapes them.
    MetricsController(registry: registry).addRoutes(to: router)
    ControlController(cluster: cluster).addRoutes(to: router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.service.host, port: configuration.service.port), serverName: "devkafka"),
        services: [DrainOnShutdown(health: health)],
        logger: logger
    )
}
