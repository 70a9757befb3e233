import HTTPTypes

extension HTTPField.Name {
    /// The payload hash SigV4 signs; S3 servers refuse a signed request without it.
    static let xAmzContentSHA256 = HTTPField.Name("x-amz-content-sha256")!
}
