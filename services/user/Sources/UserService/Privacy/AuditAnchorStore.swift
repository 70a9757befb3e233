import GameMetricsKit
import S3

/// Where the audit chain's head is anchored: one S3 object, written with the anchor's own
/// credential (`GM_AUDIT_ANCHOR_S3_*`), which the database roles and the other services do not
/// hold. In production the bucket has versioning and object lock (compliance mode), so even that
/// credential cannot remove an anchor or its history; locally rclone's S3 server stands in.
struct AuditAnchorStore: Sendable {
    let s3: S3Client
    let bucket: String
    let objectKey: String
    /// How often ``AuditAnchorService`` anchors the head.
    let interval: Duration

    /// Reads `GM_AUDIT_ANCHOR_S3_ENDPOINT`, `_ACCESS_KEY`, `_SECRET_KEY`, `_BUCKET` (required),
    /// `GM_AUDIT_ANCHOR_S3_REGION` (us-east-1), `GM_AUDIT_ANCHOR_S3_KEY` (`audit-log/head.json`)
    /// and `GM_AUDIT_ANCHOR_INTERVAL_SECONDS` (60).
    init(environment: EnvironmentReader) throws {
        s3 = S3Client(
            configuration: S3Configuration(
                endpoint: try environment.requiredURL("GM_AUDIT_ANCHOR_S3_ENDPOINT", schemes: ["http", "https"]).absoluteString,
                region: environment.string("GM_AUDIT_ANCHOR_S3_REGION", default: "us-east-1"),
                accessKey: try environment.requiredSecret("GM_AUDIT_ANCHOR_S3_ACCESS_KEY"),
                secretKey: try environment.requiredSecret("GM_AUDIT_ANCHOR_S3_SECRET_KEY"),
                requestTimeout: .seconds(10)))
        bucket = try environment.required("GM_AUDIT_ANCHOR_S3_BUCKET")
        objectKey = environment.string("GM_AUDIT_ANCHOR_S3_KEY", default: "audit-log/head.json")
        interval = .seconds(try environment.int("GM_AUDIT_ANCHOR_INTERVAL_SECONDS", default: 60, in: 1...3600))
    }

    /// The latest anchor, or nil when none was ever written.
    func latest() async throws -> AuditAnchor? {
        let bytes: [UInt8]
        do {
            bytes = try await s3.getObject(bucket: bucket, key: objectKey)
        } catch .noSuchKey {
            return nil
        }
        return try AuditAnchor.decode(bytes)
    }

    func write(_ anchor: AuditAnchor) async throws {
        try await s3.putObject(bucket: bucket, key: objectKey, body: try anchor.encoded(), contentType: "application/json")
    }

    var location: String { "s3://\(bucket)/\(objectKey)" }
}
