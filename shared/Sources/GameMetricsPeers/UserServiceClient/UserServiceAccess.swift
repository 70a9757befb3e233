import Foundation
import GameMetricsKit

/// How a service reaches the user service: `GM_USER_URL`, the `iss` its access tokens carry
/// (`GM_AUTH_ISSUER`, by default that URL), and the service's own client there
/// (`GM_<CLIENT>_CLIENT_ID` / `_SECRET`, or their `_FILE`s).
public struct UserServiceAccess: Sendable {
    public var url: URL
    public var issuer: String
    public var credentials: ServiceTokenProvider.Credentials

    /// `client` is the variables' stem: `INGESTION` reads `GM_INGESTION_CLIENT_ID`.
    public init(environment: EnvironmentReader, client: String) throws {
        url = try environment.requiredURL("GM_USER_URL", schemes: ["http", "https"])
        var defaultIssuer = url.absoluteString
        while defaultIssuer.hasSuffix("/") { defaultIssuer.removeLast() }
        issuer = environment.string("GM_AUTH_ISSUER", default: defaultIssuer)
        credentials = .init(
            clientID: try environment.requiredSecret("GM_\(client)_CLIENT_ID"), clientSecret: try environment.requiredSecret("GM_\(client)_CLIENT_SECRET"))
    }
}
