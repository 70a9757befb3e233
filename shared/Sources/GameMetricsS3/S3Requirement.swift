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
            accessKey: try environment.required("GM_S3_ACCESS_KEY"),
            secretKey: try environment.required("GM_S3_SECRET_KEY"))
        let client = S3Client(configuration: configuration, httpClient: http)
        let bucket = try environment.required("GM_S3_BUCKET")
        // A HEAD of an absent key answers 404 when the bucket exists and NoSuchBucket when not.
        let readiness = ReadinessCheck("s3") { _ = try await client.headObject(bucket: bucket, key: ".readiness") }
        return RequiredClient(S3Bucket(client: client, name: bucket), readiness: readiness, service: nil)
    }
}

extension ClientRequirement where Self == S3Requirement {
    public static func s3(http: HTTPClient) -> S3Requirement { S3Requirement(http: http) }
}
