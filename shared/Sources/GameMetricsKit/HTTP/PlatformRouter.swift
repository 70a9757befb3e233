import Hummingbird
import Prometheus

extension Router where Context == AppRequestContext {
    /// A router with what every service serves: trace propagation, request metrics, JSON errors,
    /// `/health/live`, `/health/ready` and `/metrics`. Services add their own routes to it.
    public static func platform(health: HealthController, registry: PrometheusCollectorRegistry) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            TraceContextMiddleware()
            HTTPMetricsMiddleware()
            ErrorMiddleware()
        }
        health.addRoutes(to: router)
        MetricsController(registry: registry).addRoutes(to: router)
        return router
    }
}
