import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsRedis
import GameMetricsService
import Hummingbird

/// Recommends games to players from vector similarity, with a Redis cache.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .recommendation, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    try clients.require(.postgres)
    try clients.require(.redis)
    let openAPI = try OpenAPIController(platformEndpointsOf: configuration, purpose: "Recommends games to players from vector similarity, with a Redis cache.")
    return ServiceApplication.build(configuration, clients: clients, logger: logger) { openAPI.addRoutes(to: $0) }
}
