import CurlHTTP
import Foundation
import GameMetricsKit
import HTTPTypes
import Logging

/// Turns a claimed notification into one attempt: finds where it goes (the player's address and
/// wishes, the tenant's endpoint or branding), decides whether it may go now, and sends it over
/// its channel. Every attempt of a notification carries the same message id.
struct Courier: Sendable {
    let directory: TenantDirectory
    let renderer: MessageRenderer
    let composer: EmailComposer
    let smtp: SMTPClient
    let http: HTTPClient
    let policy: DestinationPolicy
    let unsubscribe: UnsubscribeLinks
    let alertSlackURL: URL?
    let timeout: Duration
    let logger: Logger

    /// What to do with a notification before any byte is sent.
    enum Plan: Sendable {
        /// Send it: `destination` names what the per-destination limit counts.
        case send(destination: String, Send)
        case postpone(until: Date)
        case suppress(SuppressionReason)
        /// It can never go (its endpoint is gone, the channel is not configured): dead at once.
        case refuse(String)
    }

    /// The attempt itself, ready to run.
    struct Send: Sendable {
        let run: @Sendable () async -> AttemptOutcome
    }

    func plan(_ notification: QueuedNotification, now: Date = Date()) async throws -> Plan {
        switch notification.channel {
        case .email: try await planEmail(notification, now: now)
        case .webhook: try await planWebhook(notification)
        case .slack: try await planSlack(notification)
        }
    }

    private func planEmail(_ notification: QueuedNotification, now: Date) async throws -> Plan {
        var address = notification.destination
        var unsubscribeURL: String?
        if notification.destination == QueuedNotification.playerDestination {
            guard let player = notification.playerID, let recipient = try await directory.recipient(tenantID: notification.tenantID, playerID: player),
                let email = recipient.email
            else { return .suppress(.noAddress) }
            if recipient.unsubscribedAt != nil { return .suppress(.unsubscribed) }
            if recipient.optedOut.contains(notification.template) { return .suppress(.optedOut) }
            if let quiet = recipient.quietHours, let zone = TimeZone(identifier: recipient.timeZone), let end = quiet.end(containing: now, in: zone) {
                return .postpone(until: end)
            }
            address = email
            unsubscribeURL = unsubscribe.url(tenantID: notification.tenantID, playerID: player)
        }
        let brand = try await directory.settings(tenantID: notification.tenantID)
        let message = renderer.render(notification.template, data: notification.data, brand: brand, unsubscribeURL: unsubscribeURL)
        let bytes = composer.compose(
            messageID: notification.messageID, senderName: brand.brandName, to: address, message: message, unsubscribeURL: unsubscribeURL)
        let envelope = MailEnvelope(sender: composer.fromAddress, recipients: [address], message: bytes)
        let attempt = Send { [smtp] in
            do {
                try await smtp.send(envelope)
                return .delivered(statusCode: 250)
            } catch let error as SMTPError {
                if case .rejected(let code, _) = error, error.isPermanent { return .permanent(error: error.description, statusCode: code) }
                if case .rejected(let code, _) = error { return .transient(error: error.description, statusCode: code, retryAfter: nil) }
                return .transient(error: error.description, statusCode: nil, retryAfter: nil)
            } catch {
                return .transient(error: String(describing: error), statusCode: nil, retryAfter: nil)
            }
        }
        return .send(destination: "smtp", attempt)
    }

    private func planWebhook(_ notification: QueuedNotification) async throws -> Plan {
        guard let id = UUID(uuidString: notification.destination),
            let (endpoint, secret) = try await directory.endpoint(tenantID: notification.tenantID, id: id), endpoint.kind == .webhook
        else { return .refuse("the webhook endpoint \(notification.destination) no longer exists") }
        if let refusal = policy.refusal(endpoint.url) { return .refuse("the endpoint URL \(refusal)") }
        let body = try WebhookPayload(notification).encoded()
        let attempt = Send { [http, timeout] in
            let timestamp = Int64(Date().timeIntervalSince1970)
            guard let signature = WebhookSignature.sign(id: notification.messageID, timestamp: timestamp, body: body, secret: secret) else {
                return .permanent(error: "the endpoint's secret is not a whsec_ secret", statusCode: nil)
            }
            let headers: HTTPFields = [
                .contentType: "application/json", HTTPField.Name("webhook-id")!: notification.messageID,
                HTTPField.Name("webhook-timestamp")!: String(timestamp), HTTPField.Name("webhook-signature")!: signature,
                HTTPField.Name("traceparent")!: Self.childTrace(notification.traceparent),
            ]
            return await Self.post(http, url: endpoint.url, headers: headers, body: body, timeout: timeout)
        }
        return .send(destination: Self.hostKey(endpoint.url), attempt)
    }

    private func planSlack(_ notification: QueuedNotification) async throws -> Plan {
        let url: String
        if notification.destination == QueuedNotification.platformDestination {
            guard let alertSlackURL else { return .refuse("no platform alert channel is configured (GM_NOTIFICATION_ALERT_SLACK_URL)") }
            url = alertSlackURL.absoluteString
        } else {
            guard let id = UUID(uuidString: notification.destination),
                let (endpoint, secret) = try await directory.endpoint(tenantID: notification.tenantID, id: id), endpoint.kind == .slack
            else { return .refuse("the Slack endpoint \(notification.destination) no longer exists") }
            if let refusal = policy.refusal(secret) { return .refuse("the Slack URL \(refusal)") }
            url = secret
        }
        let brand = try await directory.settings(tenantID: notification.tenantID)
        let message = renderer.render(notification.template, data: notification.data, brand: brand, unsubscribeURL: nil)
        let body = Array(try JSONEncoder.sorted.encode(["text": message.subject + "\n" + Self.strippedFooter(message.text)]))
        let attempt = Send { [http, timeout] in
            let headers: HTTPFields = [
                .contentType: "application/json", HTTPField.Name("traceparent")!: Self.childTrace(notification.traceparent),
            ]
            return await Self.post(http, url: url, headers: headers, body: body, timeout: timeout)
        }
        return .send(destination: Self.hostKey(url), attempt)
    }

    private static func post(_ http: HTTPClient, url: String, headers: HTTPFields, body: [UInt8], timeout: Duration) async -> AttemptOutcome {
        guard let target = URL(string: url), let request = HTTPRequest(method: .post, url: target, headerFields: headers) else {
            return .permanent(error: "invalid URL", statusCode: nil)
        }
        do {
            let (response, _) = try await http.execute(request, body: body, timeout: timeout)
            return ReceiverAnswer.outcome(status: response.status.code, headers: response.headerFields)
        } catch let error as HTTPClientError {
            if case .invalidURL = error { return .permanent(error: error.description, statusCode: nil) }
            return .transient(error: error.description, statusCode: nil, retryAfter: nil)
        } catch {
            return .transient(error: String(describing: error), statusCode: nil, retryAfter: nil)
        }
    }

    /// What the per-destination limit counts: scheme, host and port.
    static func hostKey(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        return "\(components.scheme ?? "")://\(components.host ?? ""):\(components.port.map(String.init) ?? "")"
    }

    private static func childTrace(_ parent: String?) -> String {
        (parent.flatMap { TraceParent($0) }?.child() ?? TraceParent.newRoot()).description
    }

    /// A Slack message has no footer: the text part without the signature block.
    private static func strippedFooter(_ text: String) -> String {
        guard let range = text.range(of: "\n\n-- \n") else { return text }
        return String(text[..<range.lowerBound])
    }
}

extension HTTPRequest {
    init?(method: Method, url: URL, headerFields: HTTPFields) {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false), let scheme = components.scheme,
            let host = components.percentEncodedHost
        else { return nil }
        let authority = components.port.map { "\(host):\($0)" } ?? host
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }
        self.init(method: method, scheme: scheme, authority: authority, path: path, headerFields: headerFields)
    }
}
