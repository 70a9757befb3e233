import GameMetricsKit
import HTTPTypes
import Hummingbird

/// Continues the caller's W3C trace (or starts one), puts `trace_id` on every log line of the
/// request and answers with this service's `traceparent`.
public struct TraceContextMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.traceparent].flatMap { TraceParent($0) }
        context.trace = incoming?.child() ?? .newRoot()
        context.logger[metadataKey: "trace_id"] = .stringConvertible(context.trace.traceID)
        context.logger[metadataKey: "span_id"] = .stringConvertible(context.trace.parentID)
        do {
            var response = try await next(request, context)
            response.headers[.traceparent] = context.trace.description
            return response
        } catch let error as APIError {
            var headers = error.headers
            headers[.traceparent] = context.trace.description
            throw APIError(error.status, code: error.code, message: error.message, details: error.details, headers: headers)
        }
    }
}

extension HTTPField.Name {
    public static let traceparent = HTTPField.Name("traceparent")!
}
