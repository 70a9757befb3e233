import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Hummingbird

/// Recommends games to players from vector similarity, with a Redis cache.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(name: "recommendation", defaultPort: 8083, defaultInternalPort: 9083, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    let clients = try PlatformClients(needs: [.postgres, .redis], environment: environment, clientID: configuration.name, logger: logger)
    return ServiceApplication.build(configuration, clients: clients, logger: logger)
}
