import Foundation
import GameMetricsKit

/// The console's own configuration (the shared HTTP and Redis variables are read by
/// `ServiceConfiguration` and `PlatformClients`). Every variable is in the service README.
struct AdminSettings: Sendable {
    /// `GM_USER_URL`: the user service as this service reaches it (token exchange, APIs).
    var userServiceURL: URL
    /// `GM_USER_PUBLIC_URL` (default `GM_USER_URL`): the user service as the browser reaches it,
    /// where login happens.
    var userPublicURL: URL
    /// `GM_AUTH_ISSUER` (default `GM_USER_URL`): the `iss` of access tokens.
    var issuer: String
    /// `GM_ANALYTICS_API_URL`: GraphQL queries and the live subscription.
    var analyticsURL: URL
    /// `GM_ADMIN_PUBLIC_URL` (default `http://127.0.0.1:<GM_HTTP_PORT>`): the console's own
    /// origin as browsers see it: the OAuth redirect URI is under it and every form post must
    /// come from it. https, or http on a loopback host only: the session cookie is `Secure`.
    var publicURL: URL
    /// `GM_ADMIN_OAUTH_CLIENT_ID` (gm-admin-dashboard): the public client registered at the user service.
    var clientID: String
    /// `GM_ADMIN_SESSION_IDLE_SECONDS` (1800) and `GM_ADMIN_SESSION_MAX_SECONDS` (43200): a
    /// session ends after this long without a request, and at the latest this long after login.
    var sessionIdle: Duration
    var sessionMaximum: Duration
    /// `GM_ADMIN_VENDOR_DIR` (/usr/share/javascript): Debian's JavaScript libraries
    /// (`libjs-chart.js`), served under /static/vendor/.
    var vendorDirectory: String
    /// `GM_<SERVICE>_URL` of every platform service this console shows the readiness of.
    var readinessTargets: [(name: String, url: URL)]

    var redirectURI: String { publicURL.appendingPathComponent("auth/callback").absoluteString }
    var origin: String {
        var text = publicURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    init(environment: EnvironmentReader, httpPort: Int) throws {
        userServiceURL = try environment.requiredURL("GM_USER_URL", schemes: ["http", "https"])
        userPublicURL = try environment.url("GM_USER_PUBLIC_URL", schemes: ["http", "https"]) ?? userServiceURL
        var defaultIssuer = userServiceURL.absoluteString
        while defaultIssuer.hasSuffix("/") { defaultIssuer.removeLast() }
        issuer = environment.string("GM_AUTH_ISSUER", default: defaultIssuer)
        analyticsURL = try environment.requiredURL("GM_ANALYTICS_API_URL", schemes: ["http", "https"])
        publicURL = try environment.url("GM_ADMIN_PUBLIC_URL", schemes: ["http", "https"]) ?? URL(string: "http://127.0.0.1:\(httpPort)")!
        guard publicURL.scheme == "https" || Self.isLoopback(publicURL.host ?? "") else {
            throw ConfigurationError(
                variable: "GM_ADMIN_PUBLIC_URL", problem: "must be https (http only on a loopback host): the session cookie is Secure")
        }
        guard publicURL.path.isEmpty || publicURL.path == "/" else {
            throw ConfigurationError(variable: "GM_ADMIN_PUBLIC_URL", problem: "must be an origin without a path")
        }
        clientID = environment.string("GM_ADMIN_OAUTH_CLIENT_ID", default: "gm-admin-dashboard")
        sessionIdle = .seconds(try environment.int("GM_ADMIN_SESSION_IDLE_SECONDS", default: 1_800, in: 60...86_400))
        sessionMaximum = .seconds(try environment.int("GM_ADMIN_SESSION_MAX_SECONDS", default: 43_200, in: 300...604_800))
        vendorDirectory = environment.string("GM_ADMIN_VENDOR_DIR", default: "/usr/share/javascript")
        readinessTargets = try Self.readinessServices.compactMap { name in
            let variable = "GM_\(name.uppercased().replacingOccurrences(of: "-", with: "_"))_URL"
            return try environment.url(variable, schemes: ["http", "https"]).map { (name, $0) }
        }
    }

    /// The services whose readiness the pipeline page shows, in pipeline order.
    static let readinessServices = ["ingestion", "processor", "analytics-api", "user", "recommendation", "notification", "retention"]

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
