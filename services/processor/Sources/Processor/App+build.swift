import GameMetricsKit
import GameMetricsService
import Hummingbird

/// Consumes `player.events.raw`, stores raw events in PostgreSQL and aggregates them into per-minute, hourly and daily time series.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(name: "processor", defaultPort: 8082, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    let clients = try PlatformClients(needs: [.kafka, .postgres], environment: environment, clientID: configuration.name, logger: logger)
    return ServiceApplication.build(configuration, clients: clients, logger: logger)
}
