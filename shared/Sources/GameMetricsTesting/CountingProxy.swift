import CurlHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A loopback HTTP proxy in front of a real service that counts the requests of one method and
/// path passing through it (write-key lookups at the user service, JWKS fetches), so a test can
/// prove how often a client asked. Everything is forwarded unchanged; the count is per proxy, so
/// tests running in parallel (and sharing the process's metrics registry) cannot disturb it.
public final class CountingProxy: Sendable {
    private let target: String
    private let isCounted: @Sendable (HTTPRequest.Method, String) -> Bool
    private let afterCounted: @Sendable () async throws -> Void
    private let preservesHost: Bool
    private let http = HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: 16))
    private let counted = Mutex(0)

    public convenience init(target: String, counting method: HTTPRequest.Method, _ path: String) {
        self.init(target: target, counting: { $0 == method && $1 == path })
    }

    /// Counts the requests `isCounted` picks by method and path; `afterCounted` runs once such a
    /// request has been forwarded, before its answer goes back (a test may hold the answer there,
    /// to stop its client between a server's work and the client's knowing of it).
    /// `preservesHost` forwards the client's `Host` (a signed request, such as S3's SigV4, names it).
    public init(
        target: String, counting isCounted: @escaping @Sendable (HTTPRequest.Method, String) -> Bool, preservesHost: Bool = false,
        afterCounted: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.target = target
        self.isCounted = isCounted
        self.preservesHost = preservesHost
        self.afterCounted = afterCounted
    }

    /// Counted requests forwarded so far.
    public var count: Int { counted.withLock { $0 } }

    /// Runs `body` with the proxy's base URL while the proxy serves.
    public func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let application = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                try await self.forward(request)
            })
        try await application.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    private static let hopByHop: Set<String> = ["connection", "content-length", "transfer-encoding", "keep-alive", "host"]

    private func forward(_ request: Request) async throws -> Response {
        let isCounted = isCounted(request.method, request.uri.path)
        if isCounted {
            counted.withLock { $0 += 1 }
        }
        let body = try await request.body.collect(upTo: 64 << 20)
        var headers = HTTPFields(request.headers.filter { !Self.hopByHop.contains($0.name.canonicalName) })
        if preservesHost, let authority = request.head.authority, let host = HTTPField.Name("Host") {
            headers[host] = authority
        }
        let (answer, answerBody) = try await http.execute(
            HTTPRequest(method: request.method, url: URL(string: target + request.uri.description)!, headerFields: headers),
            body: body.readableBytes > 0 ? Array(buffer: body) : nil, timeout: .seconds(10))
        if isCounted { try await afterCounted() }
        // A HEAD answer's Content-Length is the object's size (what S3 clients verify), not its empty body's.
        let kept = request.method == .head ? Self.hopByHop.subtracting(["content-length"]) : Self.hopByHop
        let fields = answer.headerFields.filter { !kept.contains($0.name.canonicalName) }
        return Response(status: answer.status, headers: HTTPFields(fields), body: .init(byteBuffer: ByteBuffer(bytes: answerBody)))
    }
}
