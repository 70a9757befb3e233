import Foundation
import GameMetricsKit
import Hummingbird
import Logging

/// The request context every service's router uses: Hummingbird's core plus the trace this
/// request belongs to (so handlers can forward it to Kafka and HTTP peers).
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// This service's span of the request's trace; set by `TraceContextMiddleware`.
    public var trace: TraceParent
    /// Set by an authenticating middleware once a credential is verified.
    public var identity: Identity?
    /// The peer's IP address (a proxy's, behind one); nil in router tests.
    public let remoteAddress: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.trace = .newRoot()
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The caller's identity, or 401 when the route was reached without a verified credential.
    public func requireIdentity(_ role: Identity.Role = .viewer) throws -> Identity {
        guard let identity else { throw APIError.unauthorized() }
        guard identity.has(role) else {
            throw APIError(.forbidden, code: "forbidden", message: "This needs the \(role.rawValue) role.")
        }
        return identity
    }
}

extension AppRequestContext {
    /// One encoder and decoder for the whole platform. Wire names are snake_case, spelled out in
    /// each type's `CodingKeys`: an automatic key strategy would turn `player_id` into `playerId`.
    public var requestDecoder: PlatformJSONDecoder { PlatformJSONDecoder() }
    public var responseEncoder: JSONEncoder { .api }
}

extension JSONDecoder {
    public static let api: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
