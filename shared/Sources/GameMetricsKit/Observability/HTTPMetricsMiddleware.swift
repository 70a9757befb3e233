import Hummingbird
import Metrics

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
        let route = context.endpointPath ?? "unmatched"
        let dimensions = [("method", request.method.rawValue), ("route", route), ("status", String(status))]
        Counter(label: "gm_http_requests_total", dimensions: dimensions).increment()
        Metrics.Timer(label: "gm_http_request_duration_seconds", dimensions: [("method", request.method.rawValue), ("route", route)])
            .recordInterval(since: start)
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
