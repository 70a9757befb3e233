import CurlHTTP
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A loopback HTTP proxy in front of the real user service that counts the write-key lookups
/// (`POST /v1/write-keys/resolve`) passing through it, so a test can prove which requests
/// reached the user service. Everything is forwarded unchanged; the count is per proxy, so tests
/// running in parallel (and sharing the process's metrics registry) cannot disturb it.
final class CountingUserServiceProxy: Sendable {
    private let target: String
    private let http = HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: 16))
    private let counted = Mutex(0)

    init(target: String) {
        self.target = target
    }

    /// Write-key lookups forwarded so far.
    var lookups: Int { counted.withLock { $0 } }

    /// Runs `body` with the proxy's base URL while the proxy serves.
    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let application = Application(responder: CallbackResponder<BasicRequestContext> { request, _ in
            try await self.forward(request)
        })
        try await application.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    private static let hopByHop: Set<String> = ["connection", "content-length", "transfer-encoding", "keep-alive", "host"]

    private func forward(_ request: Request) async throws -> Response {
        if request.method == .post, request.uri.path == "/v1/write-keys/resolve" {
            counted.withLock { $0 += 1 }
        }
        var headers = CurlHTTP.HTTPHeaders()
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        let body = try await request.body.collect(upTo: 1 << 20)
        let answer = try await http.execute(HTTPClientRequest(
            method: CurlHTTP.HTTPMethod(rawValue: request.method.rawValue), url: target + request.uri.description,
            headers: headers, body: body.readableBytes > 0 ? Array(buffer: body) : nil, timeout: .seconds(10)))
        var fields = HTTPFields()
        for field in answer.headers where !Self.hopByHop.contains(field.name.lowercased()) {
            if let name = HTTPField.Name(field.name) { fields.append(HTTPField(name: name, value: field.value)) }
        }
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
