import CurlHTTP
import Foundation
import GameMetricsHTTP
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPostgres
import Kafka
import Logging
import PostgresNIO
import Redis
import S3
import ServiceLifecycle

/// The infrastructure clients a service needs, created from `GM_*` variables, with the readiness
/// check and lifecycle service of each. Nothing connects until the services run.
public struct PlatformClients: Sendable {
    public struct Needs: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        public static let kafka = Needs(rawValue: 1 << 0)
        public static let postgres = Needs(rawValue: 1 << 1)
        public static let redis = Needs(rawValue: 1 << 2)
        public static let s3 = Needs(rawValue: 1 << 3)
    }

    public let producer: KafkaProducer?
    public let postgres: PostgresClient?
    public let redis: RedisClient?
    public let s3: S3Client?
    /// The bucket `GM_S3_BUCKET` names; readiness requires it to exist.
    public let s3Bucket: String?
    public let http: HTTPClient
    public private(set) var checks: [ReadinessCheck] = []
    /// In dependency order: they start before the HTTP server and stop after it.
    public private(set) var services: [any Service] = []

    public init(needs: Needs, environment: EnvironmentReader, clientID: String, logger: Logger) throws {
        http = HTTPClient()
        if needs.contains(.postgres) {
            let client = PostgresClient(configuration: try PostgresClient.Configuration(environment: environment), backgroundLogger: logger)
            postgres = client
            checks.append(.postgres(client))
            services.append(client)
        } else {
            postgres = nil
        }
        if needs.contains(.redis) {
            let url = try environment.required("GM_REDIS_URL")
            let configuration: RedisConfiguration
            do {
                configuration = try RedisConfiguration(url: url)
            } catch {
                throw ConfigurationError(variable: "GM_REDIS_URL", problem: "is not usable: \(error)")
            }
            let client = RedisClient(configuration: configuration, logger: logger)
            redis = client
            checks.append(ReadinessCheck("redis") { try await client.ping() })
            services.append(RedisLifecycle(client: client))
        } else {
            redis = nil
        }
        if needs.contains(.s3) {
            let configuration = S3Configuration(
                endpoint: try environment.requiredURL("GM_S3_ENDPOINT", schemes: ["http", "https"]).absoluteString,
                region: environment.string("GM_S3_REGION", default: "us-east-1"),
                accessKey: try environment.required("GM_S3_ACCESS_KEY"),
                secretKey: try environment.required("GM_S3_SECRET_KEY"))
            let client = S3Client(configuration: configuration, httpClient: http)
            let bucket = try environment.required("GM_S3_BUCKET")
            s3 = client
            s3Bucket = bucket
            // A HEAD of an absent key answers 404 when the bucket exists and NoSuchBucket when not.
            checks.append(ReadinessCheck("s3") { _ = try await client.headObject(bucket: bucket, key: ".readiness") })
        } else {
            s3 = nil
            s3Bucket = nil
        }
        if needs.contains(.kafka) {
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(environment: environment, clientID: clientID), logger: logger)
            self.producer = producer
            checks.append(.kafka(producer))
            services.append(producer)
        } else {
            producer = nil
        }
    }

    /// Adds a peer service that must answer before this one is ready (`GM_<NAME>_URL`).
    public mutating func requirePeer(_ name: String, variable: String, environment: EnvironmentReader) throws {
        let url = try environment.requiredURL(variable, schemes: ["http", "https"])
        checks.append(.peer(name, baseURL: url, client: http))
    }
}

/// Closes the Redis pool once graceful shutdown reaches it.
struct RedisLifecycle: Service {
    let client: RedisClient

    func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
