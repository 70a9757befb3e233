import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Hummingbird

/// Delivers notifications to players and operators (email, webhooks) with retries and a dead-letter queue.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(name: "notification", defaultPort: 8086, defaultInternalPort: 9086, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    let clients = try PlatformClients(needs: [.kafka], environment: environment, clientID: configuration.name, logger: logger)
    return ServiceApplication.build(configuration, clients: clients, logger: logger)
}
