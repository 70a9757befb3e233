import Crypto
import GameMetricsKit
import S3

/// Where an audit chain's head and daily digests are anchored: S3 objects written with the
/// anchor's own credential, which the database roles and the other services do not hold. In
/// production the bucket has versioning and object lock (compliance mode), so even that
/// credential cannot remove an anchor, a digest or their history; locally rclone's S3 server
/// stands in. The head is one object (`headKey`); the digests are `<folder of headKey>digests/YYYY/MM/DD.json`.
public struct AuditAnchorStore: Sendable {
    public let s3: S3Client
    public let bucket: String
    public let headKey: String
    /// How often ``AuditAnchorService`` anchors the head.
    public let interval: Duration

    public init(s3: S3Client, bucket: String, headKey: String, interval: Duration = .seconds(60)) {
        self.s3 = s3
        self.bucket = bucket
        self.headKey = headKey
        self.interval = interval
    }

    /// Reads `<prefix>S3_ENDPOINT`, `<prefix>S3_ACCESS_KEY`, `<prefix>S3_SECRET_KEY` (each also
    /// as `_FILE`), `<prefix>S3_BUCKET` (required), `<prefix>S3_REGION` (us-east-1),
    /// `<prefix>S3_KEY` (the head object; `<chain's anchorPrefix>head.json`) and
    /// `<prefix>INTERVAL_SECONDS` (60, 1…3600). The user service's prefix is the default,
    /// `GM_AUDIT_ANCHOR_`; another service may share those variables (and the bucket, under its
    /// chain's own anchor prefix) or read its own.
    public init(environment: EnvironmentReader, chain: AuditChain, variablePrefix prefix: String = "GM_AUDIT_ANCHOR_") throws {
        let s3 = S3Client(
            configuration: S3Configuration(
                endpoint: try environment.requiredURL(prefix + "S3_ENDPOINT", schemes: ["http", "https"]).absoluteString,
                region: environment.string(prefix + "S3_REGION", default: "us-east-1"),
                accessKey: try environment.requiredSecret(prefix + "S3_ACCESS_KEY"),
                secretKey: try environment.requiredSecret(prefix + "S3_SECRET_KEY"),
                requestTimeout: .seconds(10)))
        self.init(
            s3: s3, bucket: try environment.required(prefix + "S3_BUCKET"),
            headKey: environment.string(prefix + "S3_KEY", default: chain.anchorPrefix + "head.json"),
            interval: .seconds(try environment.int(prefix + "INTERVAL_SECONDS", default: 60, in: 1...3600)))
    }

    /// The latest anchor, or nil when none was ever written.
    public func latest() async throws -> AuditAnchor? {
        let bytes: [UInt8]
        do {
            bytes = try await s3.getObject(bucket: bucket, key: headKey)
        } catch .noSuchKey {
            return nil
        }
        return try AuditAnchor.decode(bytes)
    }

    public func write(_ anchor: AuditAnchor) async throws {
        try await s3.putObject(bucket: bucket, key: headKey, body: try anchor.encoded(), contentType: "application/json")
    }

    /// Where the digests go: beside the head object.
    public var digestPrefix: String {
        let folder = headKey.lastIndex(of: "/").map { String(headKey[...$0]) } ?? ""
        return folder + "digests/"
    }

    /// The object key of the digest of `day` (`YYYY-MM-DD`).
    public func digestKey(day: String) -> String {
        digestPrefix + day.replacingOccurrences(of: "-", with: "/") + ".json"
    }

    /// The day (`YYYY-MM-DD`) a digest key names, or nil when `key` is not `<digestPrefix>YYYY/MM/DD.json`.
    public func day(ofDigestKey key: String) -> String? {
        guard key.hasPrefix(digestPrefix), key.hasSuffix(".json") else { return nil }
        let parts = key.dropFirst(digestPrefix.count).dropLast(".json".count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, zip(parts, [4, 2, 2]).allSatisfy({ $0.count == $1 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        return parts.joined(separator: "-")
    }

    /// Writes `digest` at its day's key and returns what names it.
    @discardableResult
    public func write(_ digest: AuditDigest) async throws -> AuditDigestReference {
        let key = digestKey(day: digest.day)
        let body = try digest.encoded()
        try await s3.putObject(bucket: bucket, key: key, body: body, contentType: "application/json")
        return AuditDigestReference(key: key, sha256: Hex.lowercase(SHA256.hash(data: body)))
    }

    /// The digest object at `key`, or nil when there is none.
    public func digest(at key: String) async throws -> AuditStoredDigest? {
        do {
            return AuditStoredDigest(key: key, bytes: try await s3.getObject(bucket: bucket, key: key))
        } catch .noSuchKey {
            return nil
        }
    }

    /// Every object under ``digestPrefix``, in key order (which is day order for digests).
    public func digestKeys() async throws -> [String] {
        try await s3.listObjects(bucket: bucket, prefix: digestPrefix).map(\.key).sorted()
    }

    public var location: String { "s3://\(bucket)/\(headKey)" }

    /// `s3://bucket/key` of any object of this store.
    public func location(of key: String) -> String { "s3://\(bucket)/\(key)" }
}
