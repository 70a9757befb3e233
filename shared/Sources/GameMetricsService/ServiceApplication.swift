import GameMetricsHTTP
import GameMetricsKit
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// How every service is assembled: the platform router (health, tracing, JSON errors) plus the
/// service's routes on the public port, `/metrics` plus the service's operator-only routes on
/// the internal port, its readiness checks, and its long-running clients as services.
/// The services start in the order given (``ServiceStartOrder``: list clients before the
/// services that use them), then the start-up steps (``StartupStep``: schema check, keys, ...)
/// and the HTTP servers, and they stop in reverse, after the HTTP server has drained.
///
/// The servers do not wait for the start-up steps: `/health/live` answers from the first second,
/// `/health/ready` answers 503 naming the step (check `startup`) and the service's own routes
/// answer 503 `starting` until the last step has finished (ADR 0023). A step that fails for
/// good stops the service (non-zero exit); SIGTERM during the steps stops it with status 0.
public enum ServiceApplication {
    public static func build(
        _ configuration: ServiceConfiguration,
        checks: [ReadinessCheck],
        services: [any Service] = [],
        logger: Logger,
        startupSteps: [StartupStep] = [],
        server: HTTPServerBuilder? = nil,
        // `routes` first: an unlabeled trailing closure binds to the first closure parameter.
        routes: (Router<AppRequestContext>) -> Void = { _ in },
        operatorRoutes: (Router<AppRequestContext>) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let registry = Observability.bootstrap(service: configuration.name, logLevel: configuration.logLevel)
        let startup = startupSteps.isEmpty ? nil : StartupProgress(firstStep: startupSteps[0].name)
        let health = HealthController(checks: checks + (startup.map { [$0.readinessCheck] } ?? []))
        let router = Router.platform(health: health, startup: startup, routes: routes)
        let operatorRouter = Router.operatorEndpoints(registry: registry, routes: operatorRoutes)
        // A second listener, run as one of the application's services: it starts before the
        // public server and stops after it, so metrics stay readable while the service drains.
        let internalServer = Application(
            router: operatorRouter,
            server: configuration.httpLimits.http1,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.internalPort),
                serverName: "\(configuration.name)-internal"
            ),
            logger: logger
        )
        // The steps come last: they need every client running, and stop before the clients do.
        let steps: [any Service] = startup.map { [StartupSteps(steps: startupSteps, progress: $0, logger: logger)] } ?? []
        let ordered = ServiceStartOrder(services + [DrainOnShutdown(health: health), internalServer] + steps)
        var application = Application(
            router: router,
            // Idle and request-read timeouts (HTTPServerLimits): slow clients cannot hold connections.
            // A service that upgrades to WebSocket passes its own builder, with the same limits.
            server: server ?? configuration.httpLimits.http1,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: configuration.name
            ),
            logger: logger
        )
        // Once every service has entered its run (at once: no service waits for the network
        // before that), so no request meets a client that is not running yet.
        application.beforeServerStarts { await ordered.allStarted() }
        return PlatformApplication(base: application, services: ordered.services, hasStartupSteps: !steps.isEmpty)
    }

    /// The logger a service uses before and after the application is built.
    public static func logger(_ configuration: ServiceConfiguration) -> Logger {
        Observability.bootstrap(service: configuration.name, logLevel: configuration.logLevel)
        return Observability.logger(service: configuration.name, level: configuration.logLevel)
    }
}

extension ServiceApplication {
    /// Builds the application around `clients`: their checks gate readiness, their services run with it.
    public static func build(
        _ configuration: ServiceConfiguration,
        clients: PlatformClients,
        logger: Logger,
        startupSteps: [StartupStep] = [],
        server: HTTPServerBuilder? = nil,
        // `routes` first: an unlabeled trailing closure binds to the first closure parameter.
        routes: (Router<AppRequestContext>) -> Void = { _ in },
        operatorRoutes: (Router<AppRequestContext>) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        build(
            configuration, checks: clients.checks, services: clients.services, logger: logger,
            startupSteps: startupSteps, server: server, routes: routes, operatorRoutes: operatorRoutes)
    }
}
