import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Hummingbird

/// Archives old data to S3 and deletes it on schedule, with an audit log.
func buildApplication(environment: EnvironmentReader) throws -> some ApplicationProtocol {
    let configuration = try ServiceConfiguration(name: "retention", defaultPort: 8087, defaultInternalPort: 9087, environment: environment)
    let logger = ServiceApplication.logger(configuration)
    let clients = try PlatformClients(needs: [.postgres, .s3], environment: environment, clientID: configuration.name, logger: logger)
    return ServiceApplication.build(configuration, clients: clients, logger: logger)
}
