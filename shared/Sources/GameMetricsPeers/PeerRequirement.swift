import CurlHTTP
import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Logging

/// A peer service whose base URL is in `variable` (`GM_<NAME>_URL`) and which must answer its
/// liveness endpoint before this service is ready; the client is the peer's base URL.
public struct PeerRequirement: ClientRequirement {
    public var name: String
    public var variable: String
    public var http: HTTPClient

    public func makeClient(environment: EnvironmentReader, clientID: String, logger: Logger) throws -> RequiredClient<URL> {
        let url = try environment.requiredURL(variable, schemes: ["http", "https"])
        return RequiredClient(url, readiness: .peer(name, baseURL: url, client: http), service: nil)
    }
}

extension ClientRequirement where Self == PeerRequirement {
    public static func peer(_ name: String, variable: String, http: HTTPClient) -> PeerRequirement {
        PeerRequirement(name: name, variable: variable, http: http)
    }
}
