import GameMetricsHTTP
import ServiceLifecycle

/// What a `ClientRequirement` creates: the client, the readiness check that keeps the service
/// unready while the client's server does not answer (nil when it must not gate readiness), and
/// the service that runs and closes the client (nil when it needs none).
public struct RequiredClient<Client: Sendable>: Sendable {
    public var client: Client
    public var readiness: ReadinessCheck?
    public var service: (any Service)?

    public init(_ client: Client, readiness: ReadinessCheck?, service: (any Service)?) {
        self.client = client
        self.readiness = readiness
        self.service = service
    }
}
