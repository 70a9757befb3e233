import Hummingbird
import Metrics
import Synchronization

/// `gm_http_requests_total` and `gm_http_request_duration_seconds` labelled by route template
/// (not the raw path, which would explode cardinality), method and status.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status.code, since: start)
            return response
        } catch let error as any HTTPResponseError {
            record(request, context: context, status: error.status.code, since: start)
            throw error
        } catch {
            record(request, context: context, status: 500, since: start)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
        let metrics = HTTPRouteMetrics.for(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status)
        metrics.requests.increment()
        metrics.duration.recordInterval(since: start)
    }
}

/// The counter and timer of one (method, route, status), created once: asking the metrics
/// factory on every request takes its lock and builds label arrays on the hot path.
struct HTTPRouteMetrics: Sendable {
    let requests: Counter
    let duration: Metrics.Timer

    private struct Key: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    private static let cache = Mutex<[Key: HTTPRouteMetrics]>([:])

    static func `for`(method: String, route: String, status: Int) -> HTTPRouteMetrics {
        let key = Key(method: method, route: route, status: status)
        return cache.withLock { cache in
            if let metrics = cache[key] { return metrics }
            let metrics = HTTPRouteMetrics(
                requests: Counter(label: "gm_http_requests_total", dimensions: [("method", method), ("route", route), ("status", String(status))]),
                duration: Metrics.Timer(label: "gm_http_request_duration_seconds", dimensions: [("method", method), ("route", route)]))
            cache[key] = metrics
            return metrics
        }
    }
}

extension Metrics.Timer {
    public func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
