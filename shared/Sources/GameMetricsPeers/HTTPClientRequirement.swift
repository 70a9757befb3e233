import CurlHTTP
import GameMetricsKit
import GameMetricsService
import Logging

/// An outgoing HTTP client (libcurl) for calls to peers and S3; it has no readiness check of its
/// own (a peer's is `.peer(...)`) and releases its threads when deinitialised.
public struct HTTPClientRequirement: ClientRequirement {
    public func makeClient(environment: EnvironmentReader, clientID: String, logger: Logger) throws -> RequiredClient<HTTPClient> {
        RequiredClient(HTTPClient(), readiness: nil, service: nil)
    }
}

extension ClientRequirement where Self == HTTPClientRequirement {
    public static var http: HTTPClientRequirement { HTTPClientRequirement() }
}
