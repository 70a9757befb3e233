import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging

/// One browser's live feed: a graphql-transport-ws subscription to analytics-api's
/// `liveMetrics` with the operator's token, each update handed on as a Server-Sent Event
/// (`event: delta`, `data:` the update's JSON). Ends when analytics-api closes (the token
/// expired, the service stops) or sends an error; the browser's EventSource then reconnects.
struct LiveRelay: Sendable {
    let analyticsURL: URL
    let logger: Logger

    var webSocketURL: String {
        var components = URLComponents(url: analyticsURL.appendingPathComponent("graphql"), resolvingAgainstBaseURL: false)!
        components.scheme = components.scheme == "https" ? "wss" : "ws"
        return components.url!.absoluteString
    }

    /// Relays until the subscription ends; `emit` gets each event's text, ready to write.
    func relay(for caller: OperatorCall, emit: @escaping @Sendable (String) -> Bool) async throws {
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders = [.secWebSocketProtocol: "graphql-transport-ws"]
        if let trace = caller.trace, let name = HTTPField.Name("traceparent") { configuration.additionalHeaders[name] = trace }
        let subscribe = Self.json([
            "id": "live", "type": "subscribe",
            "payload": ["extensions": ["persistedQuery": ["version": 1, "sha256Hash": DashboardOperation.liveMetrics.sha256]]],
        ])
        let initialise = Self.json(["type": "connection_init", "payload": ["authorization": "Bearer \(caller.token)"]])
        let close = try await WebSocketClient.connect(url: webSocketURL, configuration: configuration, logger: logger) { inbound, outbound, _ in
            try await outbound.write(.text(initialise))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message,
                    let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let type = object["type"] as? String
                else { continue }
                switch type {
                case "connection_ack":
                    try await outbound.write(.text(subscribe))
                    guard emit("event: ready\ndata: {}\n\n") else { return }
                case "ping":
                    try await outbound.write(.text(Self.json(["type": "pong"])))
                case "next":
                    guard let payload = object["payload"] as? [String: Any], let data = payload["data"] as? [String: Any], let update = data["liveMetrics"]
                    else { continue }
                    guard emit("event: delta\ndata: \(Self.json(update))\n\n") else { return }
                case "error", "complete":
                    logger.notice("live subscription ended by analytics-api", metadata: ["type": "\(type)"])
                    return
                default:
                    continue
                }
            }
        }
        if let close { logger.debug("analytics-api closed the live socket", metadata: ["code": "\(close.closeCode)", "reason": "\(close.reason ?? "")"]) }
    }

    private static func json(_ object: Any) -> String {
        (try? JSONSerialization.data(withJSONObject: object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
