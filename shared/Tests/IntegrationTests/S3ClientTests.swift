import CurlHTTP
import Foundation
import S3
import Testing

@Suite("S3 client against a real S3 server")
struct S3ClientTests {
    @Test("an object survives put, head, get, list and delete, and is gone afterwards")
    func roundTrip() async throws {
        let server = try S3TestServer.fromEnvironment()
        let s3 = server.client()
        let bucket = try await server.makeBucket("roundtrip", using: s3)

        let text = Array("hello, archive".utf8)
        let etag = try await s3.putObject(bucket: bucket, key: "notes/hello.txt", body: text, contentType: "text/plain")
        #expect(!etag.isEmpty)

        let info = try #require(try await s3.headObject(bucket: bucket, key: "notes/hello.txt"))
        #expect(info.key == "notes/hello.txt")
        #expect(info.size == text.count)
        #expect(info.etag == etag)
        let modified = try #require(info.lastModified)
        #expect(abs(modified.timeIntervalSinceNow) < 300)
        #expect(try await s3.getObject(bucket: bucket, key: "notes/hello.txt") == text)

        let binary = s3TestBytes(count: 1 << 20, seed: 42)
        try await s3.putObject(bucket: bucket, key: "blobs/one-mebibyte.bin", body: binary)
        let fetched = try await s3.getObject(bucket: bucket, key: "blobs/one-mebibyte.bin")
        #expect(fetched.count == binary.count)
        #expect(fetched == binary)
        #expect(try await s3.headObject(bucket: bucket, key: "blobs/one-mebibyte.bin")?.size == 1 << 20)

        let unicodeKey = "reports/2026 Q4/über café ✓ 東京.json"
        let unicodeBody = Array(#"{"players": 3}"#.utf8)
        try await s3.putObject(bucket: bucket, key: unicodeKey, body: unicodeBody, contentType: "application/json")
        #expect(try await s3.getObject(bucket: bucket, key: unicodeKey) == unicodeBody)
        #expect(try await s3.headObject(bucket: bucket, key: unicodeKey)?.size == unicodeBody.count)

        let reports = try await s3.listObjects(bucket: bucket, prefix: "reports/")
        #expect(reports.map(\.key) == [unicodeKey])
        #expect(reports.first?.size == unicodeBody.count)
        let everything = try await s3.listObjects(bucket: bucket)
        #expect(everything.map(\.key) == ["blobs/one-mebibyte.bin", "notes/hello.txt", unicodeKey])
        #expect(everything.first { $0.key == "notes/hello.txt" }?.etag == etag)
        #expect(everything.allSatisfy { $0.lastModified != nil })

        try await s3.deleteObject(bucket: bucket, key: unicodeKey)
        #expect(try await s3.headObject(bucket: bucket, key: unicodeKey) == nil)
        #expect(try await s3.listObjects(bucket: bucket, prefix: "reports/").isEmpty)
        await #expect(throws: S3Error.noSuchKey) {
            try await s3.getObject(bucket: bucket, key: unicodeKey)
        }
    }

    @Test("keys with reserved characters are stored and listed under their exact spelling")
    func reservedCharacterKeys() async throws {
        let server = try S3TestServer.fromEnvironment()
        let s3 = server.client()
        let bucket = try await server.makeBucket("keys", using: s3)
        let keys = [
            "tenant=a&b/report+final (1).csv",
            "literal%20percent/x~y_z-1.2",
            "quote's/star*bang!comma,semi;colon:at@dollar$.txt",
        ]
        for (index, key) in keys.enumerated() {
            try await s3.putObject(bucket: bucket, key: key, body: Array(key.utf8) + [UInt8(index)])
        }
        for (index, key) in keys.enumerated() {
            #expect(try await s3.getObject(bucket: bucket, key: key) == Array(key.utf8) + [UInt8(index)])
        }
        #expect(try await s3.listObjects(bucket: bucket).map(\.key) == keys.sorted())
        #expect(try await s3.listObjects(bucket: bucket, prefix: "tenant=a&b/").map(\.key) == [keys[0]])
    }

    @Test("listing follows continuation tokens until every page is read")
    func listingPaginates() async throws {
        let server = try S3TestServer.fromEnvironment()
        let s3 = server.client()
        let bucket = try await server.makeBucket("pages", using: s3)
        let keys = (0..<7).map { "archive/2026-11-\(String(format: "%02d", $0 + 1)).ndjson" }
        for key in keys {
            try await s3.putObject(bucket: bucket, key: key, body: Array(key.utf8))
        }
        try await s3.putObject(bucket: bucket, key: "other/ignored.txt", body: [1])

        let paged = try await s3.listObjects(bucket: bucket, prefix: "archive/", pageSize: 2)
        #expect(paged.map(\.key) == keys)
        #expect(paged.map(\.size) == keys.map { $0.utf8.count })
        #expect(try await s3.listObjects(bucket: bucket, pageSize: 3).count == 8)
    }

    @Test("a client with the wrong secret is refused with accessDenied")
    func wrongSecretIsAccessDenied() async throws {
        let server = try S3TestServer.fromEnvironment()
        let bucket = try await server.makeBucket("denied", using: server.client())
        var configuration = server.configuration
        configuration.secretKey = server.secretKey + "-wrong"
        let intruder = S3Client(configuration: configuration)

        await #expect(throws: S3Error.accessDenied) {
            try await intruder.putObject(bucket: bucket, key: "x.txt", body: [1, 2, 3])
        }
        await #expect(throws: S3Error.accessDenied) {
            try await intruder.getObject(bucket: bucket, key: "x.txt")
        }
        await #expect(throws: S3Error.accessDenied) {
            try await intruder.headObject(bucket: bucket, key: "x.txt")
        }
        await #expect(throws: S3Error.accessDenied) {
            try await intruder.listObjects(bucket: bucket)
        }
        #expect(try await server.client().headObject(bucket: bucket, key: "x.txt") == nil)
    }

    @Test("a missing bucket, a missing key and a taken bucket name give typed errors")
    func missingThingsAreTyped() async throws {
        let server = try S3TestServer.fromEnvironment()
        let s3 = server.client()
        let bucket = try await server.makeBucket("missing", using: s3)
        let absentBucket = S3TestServer.uniqueBucketName("absent")

        await #expect(throws: S3Error.noSuchBucket) {
            try await s3.getObject(bucket: absentBucket, key: "a.txt")
        }
        await #expect(throws: S3Error.noSuchBucket) {
            try await s3.listObjects(bucket: absentBucket)
        }
        await #expect(throws: S3Error.noSuchBucket) {
            try await s3.putObject(bucket: absentBucket, key: "a.txt", body: [1])
        }
        await #expect(throws: S3Error.noSuchKey) {
            try await s3.getObject(bucket: bucket, key: "never/written.txt")
        }
        #expect(try await s3.headObject(bucket: bucket, key: "never/written.txt") == nil)
        await #expect(throws: S3Error.bucketAlreadyExists) {
            try await s3.createBucket(bucket)
        }
    }

    @Test("a 503 answer is retried maxRetries times and then reported with its status")
    func serverErrorsAreRetried() async throws {
        let body = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
        let busy = try HTTPTestCannedServer(
            response:
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        defer { busy.stop() }
        let s3 = S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:\(busy.port)", accessKey: "k", secretKey: "s", maxRetries: 2
            ))
        await #expect(throws: S3Error.unexpectedStatus(code: 503, body: body)) {
            try await s3.getObject(bucket: "busy-bucket", key: "a b.txt")
        }
        #expect(busy.requestHeads.count == 3)
        #expect(busy.requestHeads.allSatisfy { $0.hasPrefix("GET /busy-bucket/a%20b.txt HTTP/1.1") })
        #expect(busy.requestHeads.allSatisfy { $0.contains("x-amz-content-sha256: UNSIGNED-PAYLOAD") })
        #expect(busy.requestHeads.allSatisfy { $0.contains("Authorization: AWS4-HMAC-SHA256 Credential=k/") })
    }

    @Test("an endpoint on a closed port fails with a typed transport error")
    func closedPortIsTransportError() async throws {
        let refusing = try HTTPTestRefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        let s3 = S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:\(port)", accessKey: "k", secretKey: "s", requestTimeout: .seconds(5)
            ))
        do {
            _ = try await s3.getObject(bucket: "some-bucket", key: "a.txt")
            Issue.record("a request to closed port \(port) succeeded")
        } catch {
            guard case .transport(.connectFailed) = error else {
                Issue.record("expected .transport(.connectFailed), got \(error)")
                return
            }
        }
    }
}
