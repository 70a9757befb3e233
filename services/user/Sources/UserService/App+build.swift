import GameMetricsKit
import GameMetricsService
import Hummingbird

/// The identity and privacy hub: tenants, operators, OAuth2/JWT, write keys, player profiles, GDPR erasure orchestration.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(name: "user", defaultPort: 8085, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    let clients = try PlatformClients(needs: [.kafka, .postgres], environment: environment, clientID: configuration.name, logger: logger)
    return ServiceApplication.build(configuration, clients: clients, logger: logger)
}
