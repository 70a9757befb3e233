import Hummingbird

/// Answers 503 `starting` with `Retry-After` on the routes behind it until the service's
/// start-up steps have finished (``StartupProgress``): a request that arrives while the schema
/// is checked or keys are loaded gets a clear "retry shortly", never a 500 from a half-started
/// service. Readiness keeps orchestrated traffic away meanwhile; this covers direct requests.
public struct StartupGateMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// Seconds a client should wait before retrying.
    static let retryAfterSeconds = 2

    private let progress: StartupProgress

    public init(progress: StartupProgress) {
        self.progress = progress
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The reason (a step's last failure, e.g. a database message) stays in readiness and the
        // log, which operators read; a client learns only that it should come back.
        // A path no route matches (the router runs its middleware for those too) stays a 404.
        if !progress.isFinished, context.endpointPath != nil {
            throw APIError(
                .serviceUnavailable, code: "starting", message: "The service is starting and cannot answer yet; retry shortly.",
                headers: [.retryAfter: String(Self.retryAfterSeconds)])
        }
        return try await next(request, context)
    }
}
