import Hummingbird
import Prometheus

extension Router where Context == AppRequestContext {
    /// A router with what every service serves on its public port: trace propagation, request
    /// metrics, JSON errors, `/health/live` and `/health/ready`, then the service's `routes`
    /// (behind ``StartupGateMiddleware`` when the service has start-up steps: `startup`).
    /// `/metrics` is not here: it lists tenants and their volumes, so it is served on the
    /// internal port only (``operatorEndpoints(registry:routes:)``).
    ///
    /// A path that exists answers a method it has no route for with 405 and an `Allow` header
    /// (``answerUndeclaredMethods(headFollowsGet:)``); HEAD is answered wherever GET is.
    public static func platform(
        health: HealthController, startup: StartupProgress? = nil, routes: (Router<AppRequestContext>) -> Void = { _ in }
    ) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.addMiddleware {
            TraceContextMiddleware()
            HTTPMetricsMiddleware()
            ErrorMiddleware()
        }
        health.addRoutes(to: router)
        // A middleware applies to the routes added after it: health stays outside the gate.
        if let startup {
            router.add(middleware: StartupGateMiddleware(progress: startup))
        }
        routes(router)
        router.answerUndeclaredMethods(headFollowsGet: true)
        return router
    }

    /// The router of a service's internal port: `/metrics`, plus the operator-only `routes` the
    /// service adds (the processor's `/v1/lag`). JSON errors, 405 like the public router; its
    /// requests are not counted in `gm_http_requests_total`, so scrapes do not show up as traffic.
    public static func operatorEndpoints(
        registry: PrometheusCollectorRegistry, routes: (Router<AppRequestContext>) -> Void = { _ in }
    ) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.addMiddleware {
            ErrorMiddleware()
        }
        MetricsController(registry: registry).addRoutes(to: router)
        routes(router)
        router.answerUndeclaredMethods(headFollowsGet: true)
        return router
    }
}

extension Router {
    /// The methods a request can name that get a 405 rather than a 404 on a known path.
    /// (CONNECT is left out: its target is an authority, never one of our paths.)
    static var answeredMethods: [HTTPRequest.Method] {
        [.get, .head, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]
    }

    /// Gives every path that has routes a route for each other method, answering 405 Method Not
    /// Allowed with `Allow` listing the methods it has (RFC 9110 §15.5.6), in the JSON error
    /// shape. Hummingbird's router answers 404 for a known path with an unknown method; clients
    /// and contract checks (schemathesis) need to tell "no such resource" from "not this way".
    /// Call it after the last route is added: routes added later are not seen. `headFollowsGet`:
    /// the router was made with `.autoGenerateHeadEndpoints`, so a GET route answers HEAD too.
    func answerUndeclaredMethods(headFollowsGet: Bool) {
        for routes in Dictionary(grouping: routes, by: { $0.path.description }).values {
            var declared = Set(routes.map(\.method))
            if headFollowsGet, declared.contains(.get) { declared.insert(.head) }
            let others = declared.filter { !Self.answeredMethods.contains($0) }.sorted { $0.rawValue < $1.rawValue }
            let allow = (Self.answeredMethods.filter(declared.contains) + others).map(\.rawValue).joined(separator: ", ")
            for method in Self.answeredMethods where !declared.contains(method) {
                on(routes[0].path, method: method) { request, _ -> Response in
                    throw APIError(
                        .methodNotAllowed, code: "method_not_allowed",
                        message: "\(request.method.rawValue) is not allowed here; allowed: \(allow).",
                        headers: [.allow: allow])
                }
            }
        }
    }
}
