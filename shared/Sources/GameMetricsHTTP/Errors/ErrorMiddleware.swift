import Hummingbird
import Logging

/// Turns every error into the JSON error shape; anything unexpected becomes a logged 500
/// with no internals leaked to the client.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(status: error.status, message: error.body)
        } catch let error as any HTTPResponseError {
            throw APIError(status: error.status)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError(.internalServerError, code: "internal_error", message: "The server failed to handle the request.")
        }
    }
}
