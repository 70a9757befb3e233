import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsRedis
import GameMetricsService
import Hummingbird

/// Serves dashboards: GraphQL queries over the time series and live WebSocket updates.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .analyticsAPI, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    try clients.require(.postgres)
    try clients.require(.redis)
    let openAPI = try OpenAPIController(platformEndpointsOf: configuration, purpose: "Serves dashboards: GraphQL queries over the time series and live WebSocket updates.")
    return ServiceApplication.build(configuration, clients: clients, logger: logger) { openAPI.addRoutes(to: $0) }
}
