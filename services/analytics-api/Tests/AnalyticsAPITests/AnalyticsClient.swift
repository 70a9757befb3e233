import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Testing

/// GraphQL over HTTP and over WebSocket against a running analytics-api.
struct AnalyticsClient: Sendable {
    let port: Int
    let client: any TestClientProtocol

    struct Answer: Sendable {
        let status: HTTPResponse.Status
        let text: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:] }
        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
        var errors: [[String: Any]] { json["errors"] as? [[String: Any]] ?? [] }
        var codes: [String] { errors.compactMap { ($0["extensions"] as? [String: Any])?["code"] as? String } }
    }

    /// POSTs `query` with `variables`, authenticated by `token`.
    func graphQL(_ query: String, variables: [String: Any] = [:], token: String?, operationName: String? = nil) async throws -> Answer {
        var body: [String: Any] = ["query": query, "variables": variables]
        if let operationName { body["operationName"] = operationName }
        return try await post(JSONSerialization.data(withJSONObject: body), token: token)
    }

    func post(_ body: Data, token: String?, contentType: String = "application/json") async throws -> Answer {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: "/graphql", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            Answer(status: response.status, text: String(buffer: response.body))
        }
    }

    /// A graphql-transport-ws session: runs `body` on a new connection, reads on until the
    /// server closes it, and returns the close frame.
    func webSocket(_ body: @escaping @Sendable (WebSocketSession) async throws -> Void) async throws -> WebSocketCloseFrame? {
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders = [.secWebSocketProtocol: "graphql-transport-ws"]
        return try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/graphql", configuration: configuration, logger: Logger(label: "ws-test")) {
            inbound, outbound, _ in
            let session = WebSocketSession(messages: inbound.messages(maxSize: 1 << 20).makeAsyncIterator(), outbound: outbound)
            try await body(session)
            while try await session.next() != nil {}
        }
    }
}

/// The client side of one graphql-transport-ws connection: send, and read message by message.
final class WebSocketSession {
    private var messages: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter

    init(messages: WebSocketInboundMessageStream.AsyncIterator, outbound: WebSocketOutboundWriter) {
        self.messages = messages
        self.outbound = outbound
    }

    func send(_ message: [String: Any]) async throws {
        try await outbound.write(.text(String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self)))
    }

    /// The next message as JSON; nil once the server closed the connection.
    func next() async throws -> [String: Any]? {
        guard let message = try await messages.next() else { return nil }
        guard case .text(let text) = message else { return ["binary": true] }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? ["unparsed": text]
    }

    /// The next message whose type is not `ping` or `pong`.
    func nextProtocolMessage() async throws -> [String: Any]? {
        while let message = try await next() {
            if let type = message["type"] as? String, type == "ping" || type == "pong" { continue }
            return message
        }
        return nil
    }

    func initialise(token: String) async throws {
        try await send(["type": "connection_init", "payload": ["authorization": "Bearer \(token)"]])
    }
}
