import CurlHTTP
import Foundation
import S3
import Testing

@Suite("HTTPClient over libcurl")
struct HTTPClientTests {
    @Test("a signed PUT and GET through the plain HTTP client reach the S3 server")
    func signedPutAndGet() async throws {
        let server = try S3TestServer.fromEnvironment()
        let bucket = try await server.makeBucket("http", using: server.client())
        let http = HTTPClient()
        let url = "\(server.endpoint)/\(bucket)/plain/hello.txt"
        let payload: HTTPHeaders = ["x-amz-content-sha256": "UNSIGNED-PAYLOAD"]
        let body = Array("sent by HTTPClient".utf8)

        var putHeaders = payload
        putHeaders.add(name: "Content-Type", value: "text/plain")
        let put = try await http.execute(HTTPClientRequest(
            method: .put, url: url, headers: putHeaders, body: body, signing: server.signing
        ))
        #expect(put.status == 200, "PUT answered \(put.status): \(put.bodyText)")
        #expect(put.headers["etag"] != nil)

        let get = try await http.execute(HTTPClientRequest(url: url, headers: payload, signing: server.signing))
        #expect(get.status == 200)
        #expect(get.body == body)
        #expect(get.headers["Content-Length"] == String(body.count))
        #expect(get.headers["Content-Type"] == "text/plain")

        let head = try await http.execute(HTTPClientRequest(method: .head, url: url, headers: payload, signing: server.signing))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["Content-Length"] == String(body.count))
    }

    @Test("an unsigned request gets the server's refusal as a response, not as an error")
    func errorStatusIsAResponse() async throws {
        let server = try S3TestServer.fromEnvironment()
        let bucket = try await server.makeBucket("unsigned", using: server.client())
        let response = try await HTTPClient().execute(HTTPClientRequest(url: "\(server.endpoint)/\(bucket)/x"))
        // rclone answers a request without Authorization with 400 UnsupportedAlgorithm (AWS: 403).
        #expect((400..<500).contains(response.status), "answered \(response.status)")
        #expect(response.bodyText.contains("<Error>"))
        #expect(response.headers["Content-Type"]?.hasPrefix("text/xml") == true || response.headers["Content-Type"]?.hasPrefix("application/xml") == true)
    }

    @Test("a closed port fails with connectFailed")
    func closedPort() async throws {
        let refusing = try HTTPTestRefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        await #expect {
            try await HTTPClient().execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
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
            try await HTTPClient().execute(HTTPClientRequest(
                url: "http://127.0.0.1:\(silent.port)/", timeout: .milliseconds(400)
            ))
        }
        let elapsed = ContinuousClock.now - started
        // The upper bound only has to tell a timeout from a hang, on a machine busy with other suites.
        #expect(elapsed >= .milliseconds(350) && elapsed < .seconds(20), "timed out after \(elapsed)")
    }

    @Test("a malformed URL or a scheme other than http(s) fails with invalidURL")
    func invalidURLs() async throws {
        let http = HTTPClient()
        for url in ["ftp://127.0.0.1/file", "file:///etc/passwd", "http://[::1/"] {
            await #expect(throws: HTTPClientError.invalidURL(url)) {
                try await http.execute(HTTPClientRequest(url: url))
            }
        }
    }

    @Test("cancelling the calling task aborts a request that is already running")
    func cancellationAbortsTransfer() async throws {
        let silent = try HTTPTestSilentServer()
        let http = HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: 1))
        let started = ContinuousClock.now
        let task = Task {
            try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(silent.port)/", timeout: .seconds(30)))
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
            try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
        }
    }

    @Test("redirects are returned as responses and not followed unless configured")
    func redirectsNotFollowedByDefault() async throws {
        let target = try HTTPTestCannedServer(response: "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\narrive")
        defer { target.stop() }
        let redirector = try HTTPTestCannedServer(response:
            "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:\(target.port)/landing\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        defer { redirector.stop() }

        let plain = try await HTTPClient().execute(HTTPClientRequest(url: "http://127.0.0.1:\(redirector.port)/start"))
        #expect(plain.status == 302)
        #expect(plain.headers["location"] == "http://127.0.0.1:\(target.port)/landing")
        #expect(target.requestHeads.isEmpty)

        let following = HTTPClient(configuration: HTTPClientConfiguration(followRedirects: true))
        let followed = try await following.execute(HTTPClientRequest(
            url: "http://127.0.0.1:\(redirector.port)/start", headers: ["X-Trace": "abc"]
        ))
        #expect(followed.status == 200)
        #expect(followed.bodyText == "arrive")
        #expect(target.requestHeads.first?.hasPrefix("GET /landing HTTP/1.1") == true)
        #expect(redirector.requestHeads.count == 2)
        #expect(redirector.requestHeads.last?.contains("X-Trace: abc") == true)
    }
}
