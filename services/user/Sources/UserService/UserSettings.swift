import GameMetricsAuth
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService

/// The user service's own settings, beside the platform's `ServiceConfiguration`.
struct UserSettings: Sendable {
    /// The `iss` of every token and the base of the discovery document's URLs.
    var issuer: String
    var accessTokenLifetime: Duration
    /// How many proxies in front of the service append to `X-Forwarded-For` (0: none, the
    /// connection's peer is the client).
    var trustedProxies: Int
    /// How often old `login_attempts` rows are deleted.
    var loginAttemptPurgeInterval: Duration

    /// Reads `GM_USER_ISSUER` (default `http://<host>:<port>`), `GM_ACCESS_TOKEN_TTL_SECONDS` (900),
    /// `GM_TRUSTED_PROXIES` (0) and `GM_LOGIN_ATTEMPTS_PURGE_SECONDS` (300).
    init(environment: EnvironmentReader, service: ServiceConfiguration) throws {
        let issuer = environment.string("GM_USER_ISSUER", default: "http://\(service.host):\(service.port)")
        guard issuer.hasPrefix("http://") || issuer.hasPrefix("https://"), !issuer.hasSuffix("/") else {
            throw ConfigurationError(variable: "GM_USER_ISSUER", problem: "must be an http(s) URL without a trailing slash")
        }
        self.issuer = issuer
        accessTokenLifetime = .seconds(try environment.int("GM_ACCESS_TOKEN_TTL_SECONDS", default: 900, in: 60...86_400))
        trustedProxies = try environment.int("GM_TRUSTED_PROXIES", default: 0, in: 0...10)
        // The old switch trusted X-Forwarded-For's first (client-written) entry. Behind an ingress
        // it must become a count, or every login would count against the ingress's address.
        if environment.optional("GM_TRUSTED_PROXIES") == nil, try environment.bool("GM_TRUST_PROXY", default: false) {
            throw ConfigurationError(
                variable: "GM_TRUST_PROXY",
                problem: "is replaced by GM_TRUSTED_PROXIES, the number of proxies in front of the service (1 behind the cluster's ingress)")
        }
        loginAttemptPurgeInterval = .seconds(try environment.int("GM_LOGIN_ATTEMPTS_PURGE_SECONDS", default: 300, in: 1...86_400))
    }
}
