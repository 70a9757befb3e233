import S3

/// The bucket `GM_S3_BUCKET` names, with the client that reaches it.
public struct S3Bucket: Sendable {
    public let client: S3Client
    public let name: String
}
