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
    /// One encoder and decoder for the whole platform. Wire names are snake_case, spelled out in
    /// each type's `CodingKeys`: an automatic key strategy would turn `player_id` into `playerId`.
    public var requestDecoder: JSONDecoder { .api }
    public var responseEncoder: JSONEncoder { .api }
}

extension JSONDecoder {
    public static let api: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
