import CurlHTTP
import HTTPTypes

/// An S3 client for the operations the platform needs (archives written by retention, read back
/// for restores, deleted on schedule and on GDPR erasure). Requests are signed by libcurl with
/// SigV4; addressing is path-style.
///
/// Payload hash: every request carries `x-amz-content-sha256: UNSIGNED-PAYLOAD`. libcurl 7.88
/// neither sends that header nor hashes an uploaded body, and S3-compatible servers (rclone
/// included) reject a signed PUT without it; given the header, curl signs its value. The body is
/// therefore not covered by the signature (as with any UNSIGNED-PAYLOAD client); headers, path
/// and query are. AWS S3 and MinIO accept UNSIGNED-PAYLOAD as well.
public struct S3Client: Sendable {
    public let configuration: S3Configuration
    private let http: HTTPClient
    private let signing: AWSSigV4Signing
    /// The endpoint split as `HTTPRequest` holds it (e.g. "http" and "127.0.0.1:9000").
    private let scheme: String
    private let authority: String

    /// - Parameter httpClient: share one client between S3 and other outbound HTTP to bound the
    ///   total number of threads and connections; by default the S3 client gets its own.
    public init(configuration: S3Configuration, httpClient: HTTPClient? = nil) {
        self.configuration = configuration
        self.http = httpClient ?? HTTPClient()
        let parts = configuration.endpoint.split(separator: "://", maxSplits: 1)
        (scheme, authority) = parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("http", configuration.endpoint)
        self.signing = AWSSigV4Signing(
            service: "s3", region: configuration.region,
            accessKey: configuration.accessKey, secretKey: configuration.secretKey
        )
    }

    // MARK: Buckets

    /// Creates `bucket`. Throws `S3Error.bucketAlreadyExists` when the name is taken, even by
    /// this account, so "ensure" callers can catch exactly that case.
    public func createBucket(_ bucket: String) async throws(S3Error) {
        var body: [UInt8] = []
        if configuration.region != "us-east-1" {
            // Outside us-east-1, S3 requires the region in the body.
            body = Array(
                """
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
        }
        try expect(await send(.put, bucket: bucket, body: body), [200])
    }

    /// Succeeds when `bucket` exists and these credentials may use it (HEAD on the bucket).
    /// Throws `.noSuchBucket` (404) or `.accessDenied` (403: wrong secret, unknown key, no
    /// permission). A HEAD answer has no body, so the status alone tells them apart.
    public func headBucket(_ bucket: String) async throws(S3Error) {
        let (response, _) = try await send(.head, bucket: bucket)
        switch response.status {
        case .ok: return
        case .notFound: throw .noSuchBucket
        case .forbidden: throw .accessDenied
        default: throw .unexpectedStatus(code: response.status.code, body: "")
        }
    }

    /// Deletes an empty bucket.
    public func deleteBucket(_ bucket: String) async throws(S3Error) {
        try expect(await send(.delete, bucket: bucket), [200, 204])
    }

    // MARK: Objects

    /// Stores `body` under `key`, replacing any existing object. Returns the new ETag.
    @discardableResult
    public func putObject(
        bucket: String, key: String, body: [UInt8], contentType: String = "application/octet-stream"
    ) async throws(S3Error) -> String {
        let answer = try await send(.put, bucket: bucket, key: key, headers: [.contentType: contentType], body: body)
        try expect(answer, [200])
        return Self.unquote(answer.response.headerFields[.eTag] ?? "")
    }

    /// The object's bytes. Throws `.noSuchKey` / `.noSuchBucket` when it is not there, and
    /// `.transport(.responseBodyTooLarge)` for an object over the HTTP client's
    /// `maximumResponseBodySize` (64 MiB by default; give the S3 client an `HTTPClient` with a
    /// larger one to read bigger objects).
    public func getObject(bucket: String, key: String) async throws(S3Error) -> [UInt8] {
        let answer = try await send(.get, bucket: bucket, key: key)
        try expect(answer, [200])
        return answer.body
    }

    /// The object's metadata, or nil when the object (or its bucket: a HEAD response has no
    /// body to tell them apart) does not exist.
    public func headObject(bucket: String, key: String) async throws(S3Error) -> S3ObjectInfo? {
        let answer = try await send(.head, bucket: bucket, key: key)
        if answer.response.status == .notFound { return nil }
        try expect(answer, [200])
        let fields = answer.response.headerFields
        guard let length = fields[.contentLength].flatMap({ Int($0) }) else {
            throw .invalidResponse("HEAD \(key) without a Content-Length")
        }
        return S3ObjectInfo(
            key: key,
            size: length,
            etag: Self.unquote(fields[.eTag] ?? ""),
            lastModified: fields[.lastModified].flatMap(S3DateParser.rfc1123)
        )
    }

    /// Deletes the object. Like S3 itself, succeeds when the key does not exist.
    public func deleteObject(bucket: String, key: String) async throws(S3Error) {
        try expect(await send(.delete, bucket: bucket, key: key), [200, 204])
    }

    /// Every object whose key starts with `prefix`, in key order, following ListObjectsV2
    /// continuation tokens until the listing is complete.
    /// - Parameter pageSize: keys per request (S3 caps it at 1000).
    public func listObjects(bucket: String, prefix: String = "", pageSize: Int = 1000) async throws(S3Error) -> [S3ObjectInfo] {
        var objects: [S3ObjectInfo] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("max-keys", String(max(1, min(pageSize, 1000))))]
            if !prefix.isEmpty { query.append(("prefix", prefix)) }
            if let token { query.append(("continuation-token", token)) }
            let answer = try await send(.get, bucket: bucket, query: query)
            try expect(answer, [200])
            let page = try Self.parseListPage(answer.body)
            objects += page.objects
            token = page.nextToken
        } while token != nil
        return objects
    }

    // MARK: Plumbing

    private typealias Answer = (response: HTTPResponse, body: [UInt8])

    private func send(
        _ method: HTTPRequest.Method, bucket: String, key: String? = nil, query: [(String, String)] = [],
        headers: HTTPFields = [:], body: [UInt8]? = nil
    ) async throws(S3Error) -> Answer {
        var path = "/" + S3PathEncoding.encodeComponent(bucket)
        if let key { path += "/" + S3PathEncoding.encodeKey(key) }
        if !query.isEmpty { path += "?" + S3PathEncoding.canonicalQuery(query) }
        var headers = headers
        headers[.xAmzContentSHA256] = "UNSIGNED-PAYLOAD"
        let request = HTTPRequest(method: method, scheme: scheme, authority: authority, path: path, headerFields: headers)
        var attempt = 0
        while true {
            let answer: Answer
            do {
                answer = try await http.execute(request, body: body, timeout: configuration.requestTimeout, signing: signing)
            } catch let error as HTTPClientError {
                throw .transport(error)
            } catch {
                // HTTPClient throws nothing else but CancellationError.
                throw .cancelled
            }
            guard Self.retriedStatuses.contains(answer.response.status.code), attempt < configuration.maxRetries else {
                return answer
            }
            attempt += 1
            do {
                try await Task.sleep(for: .milliseconds(50 << attempt))
            } catch {
                throw .cancelled
            }
        }
    }

    private static let retriedStatuses: Set<Int> = [500, 502, 503, 504]

    private func expect(_ answer: Answer, _ accepted: Set<Int>) throws(S3Error) {
        let status = answer.response.status.code
        guard !accepted.contains(status) else { return }
        let code = (try? S3XMLParser.parse(answer.body)).flatMap { $0.name == "Error" ? $0.text(of: "Code") : nil }
        switch code {
        case "NoSuchBucket": throw .noSuchBucket
        case "NoSuchKey": throw .noSuchKey
        case "AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId": throw .accessDenied
        case "BucketAlreadyExists", "BucketAlreadyOwnedByYou": throw .bucketAlreadyExists
        default:
            if status == 403 { throw .accessDenied }
            throw .unexpectedStatus(code: status, body: String(decoding: answer.body, as: UTF8.self))
        }
    }

    private static func parseListPage(_ body: [UInt8]) throws(S3Error) -> (objects: [S3ObjectInfo], nextToken: String?) {
        let root: S3XMLElement
        do {
            root = try S3XMLParser.parse(body)
        } catch {
            throw .invalidResponse("ListObjectsV2 XML: \(error)")
        }
        guard root.name == "ListBucketResult" else {
            throw .invalidResponse("ListObjectsV2 answered <\(root.name)>")
        }
        var objects: [S3ObjectInfo] = []
        for entry in root.children(named: "Contents") {
            guard let key = entry.text(of: "Key"), let size = entry.text(of: "Size").flatMap({ Int($0) }) else {
                throw .invalidResponse("ListObjectsV2 entry without Key or Size")
            }
            objects.append(
                S3ObjectInfo(
                    key: key, size: size,
                    etag: unquote(entry.text(of: "ETag") ?? ""),
                    lastModified: entry.text(of: "LastModified").flatMap(S3DateParser.iso8601)
                ))
        }
        guard root.text(of: "IsTruncated") == "true" else { return (objects, nil) }
        guard let token = root.text(of: "NextContinuationToken"), !token.isEmpty else {
            throw .invalidResponse("truncated listing without NextContinuationToken")
        }
        return (objects, token)
    }

    private static func unquote(_ etag: String) -> String {
        var value = Substring(etag)
        if value.hasPrefix("W/") { value = value.dropFirst(2) }
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
        return String(value)
    }
}
