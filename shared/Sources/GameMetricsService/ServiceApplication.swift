import GameMetricsHTTP
import GameMetricsKit
import Hummingbird
import Logging
import ServiceLifecycle

/// How every service is assembled: the platform router (health, tracing, JSON errors) plus the
/// service's routes on the public port, `/metrics` plus the service's operator-only routes on
/// the internal port, its readiness checks, and its long-running clients as services.
/// The services start in the order given (``ServiceStartOrder``: list clients before the
/// services that use them), the start-up steps and the HTTP server after all of them, and they
/// stop in reverse, after the HTTP server has drained.
public enum ServiceApplication {
    public static func build(
        _ configuration: ServiceConfiguration,
        checks: [ReadinessCheck],
        services: [any Service] = [],
        logger: Logger,
        beforeServerStarts: [@Sendable () async throws -> Void] = [],
        // `routes` first: an unlabeled trailing closure binds to the first closure parameter.
        routes: (Router<AppRequestContext>) -> Void = { _ in },
        operatorRoutes: (Router<AppRequestContext>) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let registry = Observability.bootstrap(service: configuration.name, logLevel: configuration.logLevel)
        let health = HealthController(checks: checks)
        let router = Router.platform(health: health, routes: routes)
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
        let ordered = ServiceStartOrder(services + [DrainOnShutdown(health: health), internalServer])
        var application = Application(
            router: router,
            // Idle and request-read timeouts (HTTPServerLimits): slow clients cannot hold connections.
            server: configuration.httpLimits.http1,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: configuration.name
            ),
            services: ordered.services,
            logger: logger
        )
        // With the clients running, before the first request: migrations, loading keys, ...
        application.beforeServerStarts { await ordered.allStarted() }
        for step in beforeServerStarts {
            application.beforeServerStarts(perform: step)
        }
        return application
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
        beforeServerStarts: [@Sendable () async throws -> Void] = [],
        // `routes` first: an unlabeled trailing closure binds to the first closure parameter.
        routes: (Router<AppRequestContext>) -> Void = { _ in },
        operatorRoutes: (Router<AppRequestContext>) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        build(configuration, checks: clients.checks, services: clients.services, logger: logger,
              beforeServerStarts: beforeServerStarts, routes: routes, operatorRoutes: operatorRoutes)
    }
}
