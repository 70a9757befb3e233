import GameMetricsKit
import GameMetricsService
import Hummingbird

/// The front door for game clients: validates player events and writes them durably to Kafka (`player.events.raw`).
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(name: "ingestion", defaultPort: 8081, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    let clients = try PlatformClients(needs: [.kafka, .redis], environment: environment, clientID: configuration.name, logger: logger)
    return ServiceApplication.build(configuration, clients: clients, logger: logger)
}
