import CurlHTTP
import Foundation
import HTTPTypes
import S3
import Testing

@Suite("HTTPClient over libcurl")
struct HTTPClientTests {
    @Test("a signed PUT and GET through the plain HTTP client reach the S3 server")
    func signedPutAndGet() async throws {
        let server = try S3TestServer.fromEnvironment()
        let bucket = try await server.makeBucket("http", using: server.client())
        let http = HTTPClient()
        let url = URL(string: "\(server.endpoint)/\(bucket)/plain/hello.txt")!
        let payload: HTTPFields = [HTTPField.Name("x-amz-content-sha256")!: "UNSIGNED-PAYLOAD"]
        let body = Array("sent by HTTPClient".utf8)

        var putHeaders = payload
        putHeaders[.contentType] = "text/plain"
        let (put, putBody) = try await http.execute(
            HTTPRequest(method: .put, url: url, headerFields: putHeaders), body: body, signing: server.signing)
        #expect(put.status == .ok, "PUT answered \(put.status): \(String(decoding: putBody, as: UTF8.self))")
        #expect(put.headerFields[.eTag] != nil)

        let (get, got) = try await http.execute(HTTPRequest(method: .get, url: url, headerFields: payload), signing: server.signing)
        #expect(get.status == .ok)
        #expect(got == body)
        #expect(get.headerFields[.contentLength] == String(body.count))
        #expect(get.headerFields[.contentType] == "text/plain")

        let (head, headBody) = try await http.execute(HTTPRequest(method: .head, url: url, headerFields: payload), signing: server.signing)
        #expect(head.status == .ok)
        #expect(headBody.isEmpty)
        #expect(head.headerFields[.contentLength] == String(body.count))
    }

    @Test("an unsigned request gets the server's refusal as a response, not as an error")
    func errorStatusIsAResponse() async throws {
        let server = try S3TestServer.fromEnvironment()
        let bucket = try await server.makeBucket("unsigned", using: server.client())
        let (response, body) = try await HTTPClient().execute(HTTPRequest(method: .get, url: URL(string: "\(server.endpoint)/\(bucket)/x")!))
        // rclone answers a request without Authorization with 400 UnsupportedAlgorithm (AWS: 403).
        #expect(response.status.kind == .clientError, "answered \(response.status)")
        #expect(String(decoding: body, as: UTF8.self).contains("<Error>"))
        let contentType = response.headerFields[.contentType]
        #expect(contentType?.hasPrefix("text/xml") == true || contentType?.hasPrefix("application/xml") == true)
    }

    @Test("a closed port fails with connectFailed")
    func closedPort() async throws {
        let refusing = try HTTPTestRefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        await #expect {
            try await HTTPClient().execute(Self.get("http://127.0.0.1:\(port)/"))
        } throws: { error in
            guard case HTTPClientError.connectFailed = error else { return false }
            return true
        }
    }

    @Test("a server that never answers fails with timeout once the request timeout passes")
    func silentServerTimesOut() async throws {
        let silent = try HTTPTestSilentServer()
        let started = ContinuousClock.now
        await #expect(throws: HTTPClientError.timeout) {
            try await HTTPClient().execute(Self.get("http://127.0.0.1:\(silent.port)/"), timeout: .milliseconds(400))
        }
        let elapsed = ContinuousClock.now - started
        // The upper bound only has to tell a timeout from a hang, on a machine busy with other suites.
        #expect(elapsed >= .milliseconds(350) && elapsed < .seconds(20), "timed out after \(elapsed)")
    }

    @Test("a malformed URL or a scheme other than http(s) fails with invalidURL")
    func invalidURLs() async throws {
        let http = HTTPClient()
        let requests = [
            ("ftp://127.0.0.1/file", HTTPRequest(method: .get, scheme: "ftp", authority: "127.0.0.1", path: "/file")),
            ("file:///etc/passwd", HTTPRequest(method: .get, scheme: "file", authority: "", path: "/etc/passwd")),
            ("http://[::1/", HTTPRequest(method: .get, scheme: "http", authority: "[::1", path: "/")),
        ]
        for (url, request) in requests {
            await #expect(throws: HTTPClientError.invalidURL(url)) {
                try await http.execute(request)
            }
        }
    }

    @Test("cancelling the calling task aborts a request that is already running")
    func cancellationAbortsTransfer() async throws {
        let silent = try HTTPTestSilentServer()
        let http = HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: 1))
        let started = ContinuousClock.now
        let task = Task {
            try await http.execute(Self.get("http://127.0.0.1:\(silent.port)/"), timeout: .seconds(30))
        }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // Well under the request's 30 s timeout, with room for a machine busy with other tests.
        #expect(ContinuousClock.now - started < .seconds(20))

        // The single worker is free again afterwards.
        let refusing = try HTTPTestRefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        await #expect(throws: HTTPClientError.self) {
            try await http.execute(Self.get("http://127.0.0.1:\(port)/"))
        }
    }

    @Test("redirects are returned as responses and not followed unless configured")
    func redirectsNotFollowedByDefault() async throws {
        let target = try HTTPTestCannedServer(response: "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\narrive")
        defer { target.stop() }
        let redirector = try HTTPTestCannedServer(
            response:
                "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:\(target.port)/landing\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        defer { redirector.stop() }

        let (plain, _) = try await HTTPClient().execute(Self.get("http://127.0.0.1:\(redirector.port)/start"))
        #expect(plain.status == .found)
        #expect(plain.headerFields[.location] == "http://127.0.0.1:\(target.port)/landing")
        #expect(target.requestHeads.isEmpty)

        let following = HTTPClient(configuration: HTTPClientConfiguration(followRedirects: true))
        var traced = Self.get("http://127.0.0.1:\(redirector.port)/start")
        traced.headerFields[HTTPField.Name("X-Trace")!] = "abc"
        let (followed, arrived) = try await following.execute(traced)
        #expect(followed.status == .ok)
        #expect(String(decoding: arrived, as: UTF8.self) == "arrive")
        #expect(target.requestHeads.first?.hasPrefix("GET /landing HTTP/1.1") == true)
        #expect(redirector.requestHeads.count == 2)
        #expect(redirector.requestHeads.last?.contains("X-Trace: abc") == true)
    }

    @Test("a body over the configured maximum fails with responseBodyTooLarge, declared or chunked, without reading it all")
    func responseBodiesAreCapped() async throws {
        let limit = 1 << 20
        let http = HTTPClient(configuration: HTTPClientConfiguration(maximumResponseBodySize: limit))
        for chunked in [false, true] {
            // 1 GiB, streamed by the server: a client that buffered it would need 1 GiB of memory.
            let server = try HTTPTestHugeBodyServer(bodySize: 1 << 30, chunked: chunked)
            defer { server.stop() }
            await #expect(throws: HTTPClientError.responseBodyTooLarge(limit: limit), chunked ? "chunked" : "Content-Length") {
                try await http.execute(Self.get("http://127.0.0.1:\(server.port)/huge"), timeout: .seconds(60))
            }
            // The client stopped at the limit; what the kernel buffered on both sides comes on top.
            #expect(server.bytesWritten < 64 << 20, "the server wrote \(server.bytesWritten) bytes")
        }

        let small = try HTTPTestHugeBodyServer(bodySize: limit, chunked: true)
        defer { small.stop() }
        let (response, body) = try await http.execute(Self.get("http://127.0.0.1:\(small.port)/exactly-the-limit"))
        #expect(response.status == .ok)
        #expect(body.count == limit)
    }

    private static func get(_ url: String) -> HTTPRequest {
        HTTPRequest(method: .get, url: URL(string: url)!)
    }
}
