import Hummingbird
import Prometheus

extension Router where Context == AppRequestContext {
    /// A router with what every service serves on its public port: trace propagation, request
    /// metrics, JSON errors, `/health/live` and `/health/ready`. Services add their own routes.
    /// `/metrics` is not here: it lists tenants and their volumes, so it is served on the
    /// internal port only (``operatorEndpoints(registry:)``).
    public static func platform(health: HealthController) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            TraceContextMiddleware()
            HTTPMetricsMiddleware()
            ErrorMiddleware()
        }
        health.addRoutes(to: router)
        return router
    }

    /// The router of a service's internal port: `/metrics`, plus the operator-only routes the
    /// service adds (the processor's `/v1/lag`). JSON errors; its requests are not counted in
    /// `gm_http_requests_total`, so scrapes do not show up as traffic.
    public static func operatorEndpoints(registry: PrometheusCollectorRegistry) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            ErrorMiddleware()
        }
        MetricsController(registry: registry).addRoutes(to: router)
        return router
    }
}
