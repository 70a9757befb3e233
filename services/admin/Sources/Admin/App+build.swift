import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPeers
import GameMetricsService
import Hummingbird

/// The operators' web dashboard, on top of the user service (login) and analytics-api (data).
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .admin, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    let http = try clients.require(.http)
    try clients.require(.peer("user", variable: "GM_USER_URL", http: http))
    try clients.require(.peer("analytics-api", variable: "GM_ANALYTICS_API_URL", http: http))
    let openAPI = try OpenAPIController(platformEndpointsOf: configuration, purpose: "The operators' web dashboard, on top of the user service (login) and analytics-api (data).")
    return ServiceApplication.build(configuration, clients: clients, logger: logger) { openAPI.addRoutes(to: $0) }
}
