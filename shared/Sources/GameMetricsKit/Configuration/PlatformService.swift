/// The platform's eight services and their default ports: the one declaration of them in code
/// (docs/architecture.md, "Services and ports"). The public port serves the API and the health
/// checks; the internal port serves `/metrics` and other operator-only endpoints (ADR 0012).
///
/// `tools/platform/lib.sh` reads the `static let` lines below to get the same table for the
/// scripts, and `tools/platform/check-ports.sh` (run by `make test`) checks that the scripts,
/// READMEs and docs agree with it: keep one service per line, in this exact form.
public struct PlatformService: Sendable, Hashable {
    /// The service's name: its directory under `services/`, its executable and its log label.
    public let name: String
    /// The default public port (`GM_HTTP_PORT`).
    public let port: Int
    /// The default internal port (`GM_INTERNAL_HTTP_PORT`).
    public let internalPort: Int

    public static let admin = PlatformService(name: "admin", port: 8080, internalPort: 9080)
    public static let ingestion = PlatformService(name: "ingestion", port: 8081, internalPort: 9081)
    public static let processor = PlatformService(name: "processor", port: 8082, internalPort: 9082)
    public static let recommendation = PlatformService(name: "recommendation", port: 8083, internalPort: 9083)
    public static let analyticsAPI = PlatformService(name: "analytics-api", port: 8084, internalPort: 9084)
    public static let user = PlatformService(name: "user", port: 8085, internalPort: 9085)
    public static let notification = PlatformService(name: "notification", port: 8086, internalPort: 9086)
    public static let retention = PlatformService(name: "retention", port: 8087, internalPort: 9087)

    public static let all: [PlatformService] = [
        admin, ingestion, processor, recommendation, analyticsAPI, user, notification, retention,
    ]

    private init(name: String, port: Int, internalPort: Int) {
        self.name = name
        self.port = port
        self.internalPort = internalPort
    }
}
