import Crypto
import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `POST /v1/alertmanager`: Alertmanager's webhook receiver (payload version 4). Each call — one
/// group of alerts — becomes one message on the platform operators' Slack-compatible channel.
/// Alertmanager presents `GM_NOTIFICATION_ALERTMANAGER_TOKEN` as a bearer token (without one
/// configured every call is refused); a call it
/// repeats after a failure carries the same body and is queued once (the key is the body's hash).
struct AlertmanagerController {
    let intake: Intake
    let token: String?

    /// The tenant id the platform's own notifications are kept under; tenant ids cannot start
    /// with an underscore, so it is no tenant's.
    static let platformTenant = "_platform"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/alertmanager", use: receive)
    }

    struct Payload: Decodable {
        struct Alert: Decodable {
            var status: String?
            var labels: [String: String]?
            var annotations: [String: String]?
        }
        var status: String
        var alerts: [Alert]
        var commonLabels: [String: String]?
        var commonAnnotations: [String: String]?
    }

    struct Queued: ResponseEncodable {
        let notificationID: String
        let status: String
        enum CodingKeys: String, CodingKey {
            case status
            case notificationID = "notification_id"
        }
    }

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Queued> {
        // Without a configured token no credential can succeed: 401 like a wrong one.
        let presented = request.headers[.authorization].flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }
        guard let token, let presented, SHA256.hash(data: Array(presented.utf8)) == SHA256.hash(data: Array(token.utf8)) else {
            throw APIError(.unauthorized, code: "invalid_token", message: "Present the Alertmanager token.", headers: [.wwwAuthenticate: "Bearer"])
        }
        try JSONContentType.require(request.headers[.contentType])
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 256 * 1024)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "The body is larger than 256 KiB.")
        }
        let bytes = Array(body.readableBytesView)
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: Data(bytes))
        } catch {
            throw APIError.badRequest("This is not an Alertmanager webhook payload.", code: "invalid_payload")
        }
        let first = payload.alerts.first
        let name = payload.commonLabels?["alertname"] ?? first?.labels?["alertname"] ?? "alert"
        let summary =
            payload.commonAnnotations?["summary"] ?? payload.alerts.compactMap { $0.annotations?["summary"] }.prefix(5).joined(separator: "; ")
        var data: [String: String] = [
            "status": payload.status == "resolved" ? "RESOLVED" : "FIRING:\(payload.alerts.count)", "alert_name": Self.clean(name),
            "summary": Self.clean(summary.isEmpty ? "(no summary)" : summary),
        ]
        if let severity = payload.commonLabels?["severity"] ?? first?.labels?["severity"] { data["severity"] = Self.clean(severity) }
        if let runbook = payload.commonAnnotations?["runbook_url"] ?? first?.annotations?["runbook_url"] { data["runbook_url"] = Self.clean(runbook) }
        let request = ValidatedRequest(channel: .slack, target: .operators, template: .alert, data: data)
        let key = "alertmanager:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let queued = try await intake.submitPlatformAlert(request, key: key, traceparent: context.trace.description)
        switch queued {
        case .created(let id, let status):
            return EditedResponse(status: .accepted, response: Queued(notificationID: id.uuidString.lowercased(), status: status))
        case .repeated(let id, let status):
            return EditedResponse(status: .ok, response: Queued(notificationID: id.uuidString.lowercased(), status: status))
        case .conflict(let id):
            // Equal bodies hash equally, so only a hash collision could get here.
            return EditedResponse(status: .ok, response: Queued(notificationID: id.uuidString.lowercased(), status: "pending"))
        }
    }

    /// Alert text cut to what a template variable may hold, without what intake refuses.
    static func clean(_ text: String) -> String {
        var result = String(text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" }.map(Character.init).prefix(NotificationRequest.maximumValueLength))
        for marker in NotificationRequest.templateMarkers { result = result.replacingOccurrences(of: marker, with: " ") }
        return result
    }
}

extension Intake {
    /// Queues an alert for the platform operators' channel, under the platform's own tenant.
    func submitPlatformAlert(_ request: ValidatedRequest, key: String, traceparent: String?) async throws -> EnqueueResult {
        let result = try await queue.enqueue(
            NewNotification(
                tenantID: AlertmanagerController.platformTenant, idempotencyKey: key, requestHash: request.hash, source: "alertmanager",
                channel: .slack, destination: QueuedNotification.platformDestination, playerID: nil, template: .alert, data: request.data,
                traceparent: traceparent, suppressedBecause: nil))
        wakeup.signal()
        return result
    }
}
