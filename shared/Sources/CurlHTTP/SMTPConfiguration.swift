/// Where and how an `SMTPClient` submits mail.
public struct SMTPConfiguration: Sendable, Equatable {
    /// How the session is protected.
    public enum Security: String, Sendable, CaseIterable {
        /// Plain text throughout: only for a relay on loopback or inside the pod's network.
        case none
        /// Plain connection upgraded with STARTTLS before anything else is sent; a server that
        /// does not offer it is refused (no silent downgrade).
        case starttls
        /// TLS from the first byte (SMTPS, usually port 465).
        case implicit
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// PEM file of the CA the server's certificate is checked against; the system store when nil.
    public var caFile: String?
    public var connectTimeout: Duration
    /// Upper bound for one whole submission (connect, greeting, envelope, message).
    public var timeout: Duration
    /// Sessions open at once: one worker thread and its connection each.
    public var maxConcurrentSessions: Int

    public init(
        host: String, port: Int, security: Security = .starttls, username: String? = nil, password: String? = nil,
        caFile: String? = nil, connectTimeout: Duration = .seconds(5), timeout: Duration = .seconds(30), maxConcurrentSessions: Int = 4
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxConcurrentSessions = max(1, maxConcurrentSessions)
    }

    /// `smtp://host:port` (or `smtps://` for implicit TLS), with an IPv6 literal in brackets.
    var url: String {
        let scheme = security == .implicit ? "smtps" : "smtp"
        let authority = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(authority):\(port)"
    }
}
