import GameMetricsAuth
import GameMetricsKit
import GameMetricsService

/// The user service's own settings, beside the platform's `ServiceConfiguration`.
struct UserSettings: Sendable {
    /// The `iss` of every token and the base of the discovery document's URLs.
    var issuer: String
    var accessTokenLifetime: Duration
    /// `GM_WRITE_KEY_MAC_SECRET[_FILE]` (+ `GM_WRITE_KEY_MAC_PREVIOUS_SECRET[_FILE]`): write keys
    /// are issued with a MAC under it, shared only with ingestion (ADR 0012).
    var writeKeyMAC: WriteKeyMAC

    /// Reads `GM_USER_ISSUER` (default `http://<host>:<port>`) and `GM_ACCESS_TOKEN_TTL_SECONDS` (900).
    init(environment: EnvironmentReader, service: ServiceConfiguration) throws {
        let issuer = environment.string("GM_USER_ISSUER", default: "http://\(service.host):\(service.port)")
        guard issuer.hasPrefix("http://") || issuer.hasPrefix("https://"), !issuer.hasSuffix("/") else {
            throw ConfigurationError(variable: "GM_USER_ISSUER", problem: "must be an http(s) URL without a trailing slash")
        }
        self.issuer = issuer
        accessTokenLifetime = .seconds(try environment.int("GM_ACCESS_TOKEN_TTL_SECONDS", default: 900, in: 60...86_400))
        writeKeyMAC = try WriteKeyMAC(environment: environment)
    }
}
