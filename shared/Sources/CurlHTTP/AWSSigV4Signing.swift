/// Credentials and scope for AWS Signature Version 4. libcurl computes the signature itself
/// (`CURLOPT_AWS_SIGV4`), so the client only carries what curl needs to do that.
public struct AWSSigV4Signing: Sendable, Equatable {
    /// Provider tags in curl's `provider1:provider2` form: "aws:amz" gives `AWS4-HMAC-SHA256`
    /// and `X-Amz-Date`, which is what S3 and S3-compatible servers expect.
    public var provider: String
    public var service: String
    public var region: String
    public var accessKey: String
    public var secretKey: String

    public init(
        service: String, region: String, accessKey: String, secretKey: String,
        provider: String = "aws:amz"
    ) {
        self.provider = provider
        self.service = service
        self.region = region
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    /// The `CURLOPT_AWS_SIGV4` parameter, e.g. `aws:amz:us-east-1:s3`.
    var curlParameter: String { "\(provider):\(region):\(service)" }
}
