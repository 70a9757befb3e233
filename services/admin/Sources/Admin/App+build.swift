import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Hummingbird

/// The operators' web dashboard, on top of the user service (login) and analytics-api (data).
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(name: "admin", defaultPort: 8080, defaultInternalPort: 9080, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = try PlatformClients(needs: [], environment: environment, clientID: configuration.name, logger: logger)
    try clients.requirePeer("user", variable: "GM_USER_URL", environment: environment)
    try clients.requirePeer("analytics-api", variable: "GM_ANALYTICS_API_URL", environment: environment)
    return ServiceApplication.build(configuration, clients: clients, logger: logger)
}
