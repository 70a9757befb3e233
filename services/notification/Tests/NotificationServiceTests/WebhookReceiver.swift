import Foundation
import GameMetricsHTTP
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// An HTTP receiver on loopback for the service's webhooks and Slack messages. It records every
/// request and answers as `answer` says, given the request and how often its `webhook-id` came
/// before; ``deliveries`` are the requests it answered 2xx.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let path: String
        let headers: [String: String]
        let body: [UInt8]
        /// The request's number among those with its webhook-id (1 for the first).
        let occurrence: Int
        let status: Int
        var webhookID: String? { headers["webhook-id"] }
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
    }

    typealias Answer = @Sendable (_ request: Received) async -> (status: Int, headers: [String: String])

    private let log = Mutex<[Received]>([])
    private let answer: Answer

    init(answer: @escaping Answer = { _ in (200, [:]) }) {
        self.answer = answer
    }

    var requests: [Received] { log.withLock { $0 } }
    var deliveries: [Received] { requests.filter { (200..<300).contains($0.status) } }

    /// Runs the receiver on a free port around `body`, which gets its base URL.
    func run(_ body: @Sendable (_ url: String) async throws -> Void) async throws {
        let router = Router()
        let handle: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            let bytes = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let id = headers["webhook-id"] ?? UUID().uuidString
            let occurrence = self.log.withLock { log in log.filter { $0.webhookID == id }.count + 1 }
            let probe = Received(path: request.uri.path, headers: headers, body: bytes, occurrence: occurrence, status: 0)
            let (status, extra) = await self.answer(probe)
            self.log.withLock { $0.append(Received(path: probe.path, headers: headers, body: bytes, occurrence: occurrence, status: status)) }
            var fields = HTTPFields()
            for (name, value) in extra { fields[HTTPField.Name(name)!] = value }
            return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.post("/", use: handle)
        router.post("/**", use: handle)
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await application.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}
