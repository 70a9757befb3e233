import CurlHTTP
import Foundation
import GameMetricsKit
import HTTPTypes
import Kafka
import PostgresNIO
import S3

extension ReadinessCheck {
    /// Kafka answers a metadata request.
    public static func kafka(_ producer: KafkaProducer) -> ReadinessCheck {
        ReadinessCheck("kafka") { try await producer.checkConnection() }
    }

    /// PostgreSQL answers a trivial query through the pool.
    public static func postgres(_ client: PostgresClient) -> ReadinessCheck {
        ReadinessCheck("postgres") { _ = try await client.query("SELECT 1") }
    }

    /// The service's bucket exists and its credentials may use it. A HEAD of a key would not
    /// do: S3 answers 404 for an absent key whether or not the bucket is there.
    public static func s3(_ client: S3Client, bucket: String) -> ReadinessCheck {
        ReadinessCheck("s3") { try await client.headBucket(bucket) }
    }

    /// A peer service answers its liveness endpoint.
    public static func peer(_ name: String, baseURL: URL, client: HTTPClient) -> ReadinessCheck {
        ReadinessCheck(name) {
            let (response, _) = try await client.execute(
                HTTPRequest(method: .get, url: baseURL.appendingPathComponent("health/live")), timeout: .seconds(2))
            guard response.status == .ok else { throw PeerNotLive(name: name, status: response.status) }
        }
    }

    struct PeerNotLive: Error, CustomStringConvertible {
        let name: String
        let status: HTTPResponse.Status
        var description: String { "\(name) answered \(status)" }
    }
}
