import GameMetricsHTTP
import GameMetricsKit
import Logging
import ServiceLifecycle

/// The infrastructure clients a service declared it needs, created from `GM_*` variables.
/// `require(_:)` returns each client, never optional, and adds exactly its readiness check and
/// its lifecycle service:
///
///     var clients = PlatformClients(environment: environment, clientID: "processor", logger: logger)
///     let postgres = try clients.require(.postgres)
///     let redis = try clients.require(.redis(gatesReadiness: false))
///     let producer = try clients.require(.kafkaProducer)
///
/// Nothing connects until the services run (ADR 0020).
public struct PlatformClients: Sendable {
    public let environment: EnvironmentReader
    public let clientID: String
    public let logger: Logger
    /// The readiness checks of the required clients.
    public private(set) var checks: [ReadinessCheck] = []
    /// In the order required, which is dependency order: they start before the HTTP server and
    /// stop after it, in reverse.
    public private(set) var services: [any Service] = []

    public init(environment: EnvironmentReader, clientID: String, logger: Logger) {
        self.environment = environment
        self.clientID = clientID
        self.logger = logger
    }

    /// Creates the client `requirement` describes and adds its readiness check and service.
    @discardableResult
    public mutating func require<Requirement: ClientRequirement>(_ requirement: Requirement) throws -> Requirement.Client {
        let required = try requirement.makeClient(environment: environment, clientID: clientID, logger: logger)
        if let check = required.readiness { checks.append(check) }
        if let service = required.service { services.append(service) }
        return required.client
    }
}
