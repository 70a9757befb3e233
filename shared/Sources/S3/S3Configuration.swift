/// Where and as whom an `S3Client` talks. Addressing is path-style
/// (`<endpoint>/<bucket>/<key>`), which rclone, MinIO and AWS all accept and which needs no
/// wildcard DNS for bucket subdomains.
public struct S3Configuration: Sendable, Equatable, CustomStringConvertible {
    /// Scheme, host and optional port, e.g. `http://127.0.0.1:9000`; a trailing `/` is dropped.
    public var endpoint: String
    public var region: String
    public var accessKey: String
    public var secretKey: String
    /// Upper bound for one S3 request, including transferring its body.
    public var requestTimeout: Duration
    /// How often a request answered 500/502/503/504 is sent again (after 100 ms, 200 ms, ...).
    /// S3 asks clients to retry these (`InternalError`, `SlowDown`); every operation of
    /// `S3Client` is idempotent, so a retry cannot apply a change twice.
    public var maxRetries: Int

    public init(
        endpoint: String,
        region: String = "us-east-1",
        accessKey: String,
        secretKey: String,
        requestTimeout: Duration = .seconds(60),
        maxRetries: Int = 2
    ) {
        var endpoint = endpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        self.region = region
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.requestTimeout = requestTimeout
        self.maxRetries = max(0, maxRetries)
    }

    /// Never prints the secret, so a configuration can be logged at startup.
    public var description: String {
        "S3Configuration(endpoint: \(endpoint), region: \(region), accessKey: \(accessKey), secretKey: <redacted>)"
    }
}
