import GameMetricsKit
import Logging

/// A client a service declares it needs (`PlatformClients.require(_:)`): how it is created from
/// `GM_*` variables, the readiness check it adds, and the service that runs it. Each client's
/// module declares its requirements (`.kafkaProducer`, `.postgres`, `.redis`, `.s3(http:)`,
/// `.http`, `.peer(...)`), so a service links a client library only when it names one of them.
public protocol ClientRequirement: Sendable {
    associatedtype Client: Sendable

    /// Creates the client; nothing may connect before its service runs.
    func makeClient(environment: EnvironmentReader, clientID: String, logger: Logger) throws -> RequiredClient<Client>
}
