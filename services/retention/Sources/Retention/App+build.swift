import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPeers
import GameMetricsPostgres
import GameMetricsS3
import GameMetricsService
import Hummingbird

/// Archives old data to S3 and deletes it on schedule, with an audit log.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(service: .retention, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    var clients = PlatformClients(environment: environment, clientID: configuration.name, logger: logger)
    try clients.require(.postgres)
    let http = try clients.require(.http)
    try clients.require(.s3(http: http))
    let openAPI = try OpenAPIController(platformEndpointsOf: configuration, purpose: "Archives old data to S3 and deletes it on schedule, with an audit log.")
    return ServiceApplication.build(configuration, clients: clients, logger: logger) { openAPI.addRoutes(to: $0) }
}
