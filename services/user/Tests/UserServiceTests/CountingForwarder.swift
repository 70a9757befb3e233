import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A loopback HTTP forwarder in front of a real service that counts the GET requests for one
/// path, so a test can tell how often a client fetched it. Only GETs are forwarded (the JWKS is
/// all the tests here read through it).
final class CountingForwarder: Sendable {
    private let target: String
    private let countedPath: String
    private let counted = Mutex(0)

    init(target: String, counting path: String) {
        self.target = target
        self.countedPath = path
    }

    /// GETs of the counted path forwarded so far.
    var count: Int { counted.withLock { $0 } }

    /// Runs `body` with the forwarder's base URL while it serves.
    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let application = Application(responder: CallbackResponder<BasicRequestContext> { request, _ in
            try await self.forward(request)
        })
        try await application.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    private func forward(_ request: Request) async throws -> Response {
        guard request.method == .get else { return Response(status: .methodNotAllowed) }
        if request.uri.path == countedPath { counted.withLock { $0 += 1 } }
        let (data, answer) = try await URLSession.shared.data(from: URL(string: target + request.uri.description)!)
        let status = (answer as? HTTPURLResponse)?.statusCode ?? 502
        return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
