import ServiceLifecycle

/// Flips readiness to "draining" as soon as graceful shutdown starts, so the load balancer stops
/// routing here while in-flight requests finish.
public struct DrainOnShutdown: Service {
    private let health: HealthController

    public init(health: HealthController) {
        self.health = health
    }

    public func run() async throws {
        try? await gracefulShutdown()
        health.startDraining()
    }
}
