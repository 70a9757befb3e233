import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPeers
import GameMetricsS3
import GameMetricsService
import Logging
import S3
import Testing

@Suite("S3 readiness checks the configured bucket itself")
struct S3ReadinessTests {
    /// The "s3" readiness check a service gets for `GM_S3_BUCKET = bucket`, with these credentials.
    private func readinessCheck(bucket: String, server: S3TestServer, secretKey: String? = nil) throws -> ReadinessCheck {
        var clients = PlatformClients(
            environment: EnvironmentReader([
                "GM_S3_ENDPOINT": server.endpoint, "GM_S3_ACCESS_KEY": server.accessKey,
                "GM_S3_SECRET_KEY": secretKey ?? server.secretKey, "GM_S3_BUCKET": bucket,
            ]),
            clientID: "s3-readiness-test", logger: Logger(label: "s3-readiness-test"))
        let http = try clients.require(.http)
        try clients.require(.s3(http: http))
        return try #require(clients.checks.first { $0.name == "s3" })
    }

    @Test("a bucket that exists is ready")
    func presentBucketIsReady() async throws {
        let server = try S3TestServer.fromEnvironment()
        let bucket = try await server.makeBucket("ready", using: server.client())
        try await readinessCheck(bucket: bucket, server: server).probe()
    }

    @Test("a bucket that does not exist is not ready")
    func missingBucketIsNotReady() async throws {
        let server = try S3TestServer.fromEnvironment()
        let check = try readinessCheck(bucket: S3TestServer.uniqueBucketName("never-created"), server: server)
        await #expect(throws: S3Error.noSuchBucket) { try await check.probe() }
    }

    @Test("a wrong secret is not ready, even for a bucket that exists")
    func wrongSecretIsNotReady() async throws {
        let server = try S3TestServer.fromEnvironment()
        let bucket = try await server.makeBucket("denied-ready", using: server.client())
        let check = try readinessCheck(bucket: bucket, server: server, secretKey: server.secretKey + "-wrong")
        await #expect(throws: S3Error.accessDenied) { try await check.probe() }
    }
}
