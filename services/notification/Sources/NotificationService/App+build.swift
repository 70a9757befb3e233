import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsService
import Hummingbird

/// Delivers notifications to players and operators (email, webhooks) with retries and a dead-letter queue.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .notification, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    // Nothing is produced yet (delivery is not built): the producer serves readiness and writes
    // no topic, and the KafkaUser `notification` has no ACLs.
    try clients.require(.kafkaProducer(for: .none))
    let openAPI = try OpenAPIController(platformEndpointsOf: configuration, purpose: "Delivers notifications to players and operators (email, webhooks) with retries and a dead-letter queue.")
    return ServiceApplication.build(configuration, clients: clients, logger: logger) { openAPI.addRoutes(to: $0) }
}
