import CurlHTTP
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Logging
import S3

/// An S3 client and its bucket from `GM_S3_ENDPOINT`, `GM_S3_REGION`, `GM_S3_ACCESS_KEY`,
/// `GM_S3_SECRET_KEY` and `GM_S3_BUCKET`, over `http`; the service is unready while the bucket
/// cannot be reached.
public struct S3Requirement: ClientRequirement {
    public var http: HTTPClient

    public func makeClient(environment: EnvironmentReader, clientID: String, logger: Logger) throws -> RequiredClient<S3Bucket> {
        let configuration = S3Configuration(
            endpoint: try environment.requiredURL("GM_S3_ENDPOINT", schemes: ["http", "https"]).absoluteString,
            region: environment.string("GM_S3_REGION", default: "us-east-1"),
            accessKey: try environment.requiredSecret("GM_S3_ACCESS_KEY"),
            secretKey: try environment.requiredSecret("GM_S3_SECRET_KEY"))
        let client = S3Client(configuration: configuration, httpClient: http)
        let bucket = try environment.required("GM_S3_BUCKET")
        return RequiredClient(S3Bucket(client: client, name: bucket), readiness: .s3(client, bucket: bucket), service: nil)
    }
}

extension ClientRequirement where Self == S3Requirement {
    public static func s3(http: HTTPClient) -> S3Requirement { S3Requirement(http: http) }
}

extension ReadinessCheck {
    /// The service's bucket exists and its credentials may use it. A HEAD of a key would not
    /// do: S3 answers 404 for an absent key whether or not the bucket is there.
    public static func s3(_ client: S3Client, bucket: String) -> ReadinessCheck {
        ReadinessCheck("s3") { try await client.headBucket(bucket) }
    }
}
