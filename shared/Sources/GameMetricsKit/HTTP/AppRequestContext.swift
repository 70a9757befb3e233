import Foundation
import Hummingbird
import Logging

/// The request context every service's router uses: Hummingbird's core plus the trace this
/// request belongs to (so handlers can forward it to Kafka and HTTP peers).
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// This service's span of the request's trace; set by `TraceContextMiddleware`.
    public var trace: TraceParent

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.trace = .newRoot()
    }
}

extension AppRequestContext {
    /// The platform's JSON is snake_case on the wire, like the event envelope.
    public var requestDecoder: JSONDecoder { .api }
    public var responseEncoder: JSONEncoder { .api }
}

extension JSONDecoder {
    public static let api: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
