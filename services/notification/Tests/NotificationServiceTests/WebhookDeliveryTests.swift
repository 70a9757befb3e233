import Crypto
import Foundation
import GameMetricsTesting
import Kafka
import Synchronization
import Testing

@testable import NotificationService

@Suite("Webhooks are signed, retried with backoff, dead-lettered and replayed exactly once", .serialized)
struct WebhookDeliveryTests {
    /// The README's recipe for receivers, written out independently of the service's code:
    /// HMAC-SHA256 keyed with the base64 after `whsec_`, over `id.timestamp.body`, compared with
    /// each `v1,` signature of the header, and a timestamp within five minutes.
    static func verifies(_ request: WebhookReceiver.Received, secret: String) -> Bool {
        guard let id = request.headers["webhook-id"], let timestampText = request.headers["webhook-timestamp"], let timestamp = Int64(timestampText),
            let header = request.headers["webhook-signature"], secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))),
            abs(Int64(Date().timeIntervalSince1970) - timestamp) <= 300
        else { return false }
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).".utf8) + Data(request.body), using: SymmetricKey(data: key))
        let expected = "v1," + Data(mac).base64EncodedString()
        return header.split(separator: " ").contains { $0 == expected }
    }

    /// Registers `url` as a webhook endpoint of tenant A and asks for one operator message to it;
    /// the notification's id and the operator token used.
    static func notifyNewEndpoint(_ url: String, api: NotificationAPI, fixture: NotificationFixture) async throws -> (id: String, token: String) {
        let endpoint = try await api.addEndpoint(url: url, adminToken: try await fixture.user.adminToken())
        let token = try await fixture.operatorToken()
        let accepted = try await api.notify(
            #"{"channel":"webhook","to":{"endpoint_id":"\#(endpoint.id)"},"template":"operator_message","data":{"title":"t","message":"m"}}"#, token: token)
        return (try NotificationAPI.notificationID(accepted), token)
    }

    @Test("a webhook's signature verifies with the documented recipe, and fails with another secret or a changed body")
    func signatureVerifies() async throws {
        try await NotificationFixture.run { fixture in
            let receiver = WebhookReceiver()
            try await receiver.run { url in
                try await fixture.withService { api in
                    let endpoint = try await api.addEndpoint(url: url + "/hooks", adminToken: try await fixture.user.adminToken())
                    let secret = try #require(endpoint.secret)
                    #expect(secret.hasPrefix("whsec_"))
                    let token = try await fixture.operatorToken()
                    let accepted = try await api.notify(
                        #"{"channel":"webhook","to":{"endpoint_id":"\#(endpoint.id)","player_id":"p-1"},"template":"achievement_unlocked","data":{"achievement":"First win"}}"#,
                        token: token)
                    let id = try NotificationAPI.notificationID(accepted)
                    _ = try await api.status(id, token: token) { $0["status"] as? String == "delivered" }
                    let request = try #require(receiver.deliveries.first)
                    #expect(request.webhookID == "msg_\(id)")
                    #expect(Self.verifies(request, secret: secret))
                    #expect(!Self.verifies(request, secret: WebhookSignature.newSecret()))
                    var tampered = request.body
                    tampered[tampered.count / 2] ^= 1
                    #expect(
                        !Self.verifies(
                            WebhookReceiver.Received(path: request.path, headers: request.headers, body: tampered, occurrence: 1, status: 200), secret: secret))
                    #expect(request.json?["type"] as? String == "achievement_unlocked")
                    #expect((request.json?["data"] as? [String: String])?["achievement"] == "First win")
                    #expect(request.json?["player_id"] as? String == "p-1")
                    #expect(request.headers["traceparent"]?.count == 55)
                    // The secret is shown once: the list does not carry it.
                    let listed = try await api.send("GET", "/v1/endpoints", token: token)
                    #expect(!listed.text.contains(secret))
                }
            }
        }
    }

    @Test("a receiver failing 3 times, then succeeding, gets exactly one delivery, every attempt with the same webhook-id")
    func threeFailuresThenOneDelivery() async throws {
        try await NotificationFixture.run { fixture in
            let receiver = WebhookReceiver { request in request.occurrence <= 3 ? (503, [:]) : (200, [:]) }
            try await receiver.run { url in
                try await fixture.withService(["GM_NOTIFICATION_MAX_ATTEMPTS": "5"]) { api in
                    let (id, token) = try await Self.notifyNewEndpoint(url, api: api, fixture: fixture)
                    let status = try await api.status(id, token: token) { $0["status"] as? String == "delivered" }
                    let attempts = try #require(status["attempts"] as? [[String: Any]])
                    #expect(attempts.map { $0["outcome"] as? String } == ["transient", "transient", "transient", "delivered"])
                    #expect(attempts.prefix(3).allSatisfy { $0["status_code"] as? Int == 503 })
                    try await Task.sleep(for: .milliseconds(500))
                    #expect(receiver.requests.count == 4)
                    #expect(receiver.deliveries.count == 1)
                    #expect(Set(receiver.requests.compactMap(\.webhookID)) == ["msg_\(id)"])
                }
            }
        }
    }

    @Test("Retry-After is honoured: the next attempt waits at least as long as the receiver asked")
    func retryAfterIsHonoured() async throws {
        try await NotificationFixture.run { fixture in
            let receiver = WebhookReceiver { request in request.occurrence == 1 ? (429, ["Retry-After": "2"]) : (200, [:]) }
            try await receiver.run { url in
                try await fixture.withService { api in
                    let (id, token) = try await Self.notifyNewEndpoint(url, api: api, fixture: fixture)
                    let status = try await api.status(id, token: token) { $0["status"] as? String == "delivered" }
                    let attempts = try #require(status["attempts"] as? [[String: Any]])
                    try #require(attempts.count == 2)
                    let formatter = ISO8601DateFormatter.fractional
                    let first = try #require((attempts[0]["finished_at"] as? String).flatMap { formatter.date(from: $0) ?? ISO8601DateFormatter().date(from: $0) })
                    let second = try #require((attempts[1]["started_at"] as? String).flatMap { formatter.date(from: $0) ?? ISO8601DateFormatter().date(from: $0) })
                    // The backoff alone would wait at most 400 ms here.
                    #expect(second.timeIntervalSince(first) >= 1.9)
                }
            }
        }
    }

    @Test("a receiver that always fails ends in the DLQ with every attempt; after it recovers a replay delivers exactly once")
    func deadLetterAndReplay() async throws {
        try await NotificationFixture.run { fixture in
            let healthy = Atomic<Bool>(false)
            let receiver = WebhookReceiver { _ in healthy.load(ordering: .acquiring) ? (204, [:]) : (500, [:]) }
            try await receiver.run { url in
                try await fixture.withService(["GM_NOTIFICATION_MAX_ATTEMPTS": "3"]) { api in
                    let (id, token) = try await Self.notifyNewEndpoint(url, api: api, fixture: fixture)
                    _ = try await api.status(id, token: token) { $0["status"] as? String == "dead" }

                    let list = try await api.send("GET", "/v1/dead-letters", token: token)
                    let letters = try #require(list.json?["dead_letters"] as? [[String: Any]])
                    #expect(letters.map { $0["notification_id"] as? String } == [id])
                    let letter = try await api.send("GET", "/v1/dead-letters/\(id)", token: token)
                    let attempts = try #require(letter.json?["attempts"] as? [[String: Any]])
                    #expect(attempts.count == 3)
                    #expect(attempts.allSatisfy { ($0["error"] as? String)?.contains("500") == true && $0["status_code"] as? Int == 500 })
                    // Another tenant sees none of it.
                    let other = try await fixture.operatorToken("_B")
                    #expect(try await api.send("GET", "/v1/dead-letters/\(id)", token: other).status == 404)
                    #expect(try await api.send("POST", "/v1/dead-letters/\(id)/replay", token: other).status == 404)
                    #expect((try await api.send("GET", "/v1/dead-letters", token: other).json?["dead_letters"] as? [Any])?.isEmpty == true)

                    // The DLQ topic carries it with every attempt.
                    let records = try await KafkaTopicReader.read(fixture.topics.deadLetters, count: 1)
                    let record = try #require(records.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any] })
                    #expect(record["notification_id"] as? String == id)
                    #expect((record["attempts"] as? [Any])?.count == 3)

                    healthy.store(true, ordering: .releasing)
                    let replay = try await api.send("POST", "/v1/dead-letters/\(id)/replay", token: token)
                    #expect(replay.status == 202, "\(replay.text)")
                    _ = try await api.status(id, token: token) { $0["status"] as? String == "delivered" }
                    // A second replay of a delivered notification finds nothing to replay.
                    #expect(try await api.send("POST", "/v1/dead-letters/\(id)/replay", token: token).status == 404)
                    try await Task.sleep(for: .milliseconds(500))
                    #expect(receiver.deliveries.count == 1)
                    #expect(Set(receiver.requests.compactMap(\.webhookID)) == ["msg_\(id)"])
                    #expect((try await api.send("GET", "/v1/dead-letters", token: token).json?["dead_letters"] as? [Any])?.isEmpty == true)
                }
            }
        }
    }

    @Test("Alertmanager's webhook reaches the operators' Slack-compatible channel once, and a wrong token is refused")
    func alertsReachSlack() async throws {
        try await NotificationFixture.run { fixture in
            let receiver = WebhookReceiver()
            try await receiver.run { url in
                try await fixture.withService(["GM_NOTIFICATION_ALERT_SLACK_URL": url + "/slack"]) { api in
                    let body =
                        #"{"version":"4","status":"firing","receiver":"slack","groupKey":"{}:{alertname=\"NotificationQueueStuck\"}","alerts":[{"status":"firing","#
                        + #""labels":{"alertname":"NotificationQueueStuck","severity":"critical"},"annotations":{"summary":"The queue is stuck","#
                        + #""runbook_url":"https://runbooks/notification-queue-stuck.md"}}],"#
                        + #""commonLabels":{"alertname":"NotificationQueueStuck","severity":"critical"},"commonAnnotations":{"summary":"The queue is stuck"}}"#
                    let wrong = try await api.send("POST", "/v1/alertmanager", token: "not-it", json: body)
                    #expect(wrong.status == 401)
                    let first = try await api.send("POST", "/v1/alertmanager", token: NotificationFixture.alertmanagerToken, json: body)
                    #expect(first.status == 202, "\(first.text)")
                    // Alertmanager repeating the same call queues nothing new.
                    let again = try await api.send("POST", "/v1/alertmanager", token: NotificationFixture.alertmanagerToken, json: body)
                    #expect(again.status == 200)
                    try await eventually(.seconds(30)) { receiver.deliveries.count >= 1 }
                    try await Task.sleep(for: .milliseconds(500))
                    #expect(receiver.deliveries.count == 1)
                    let text = try #require(receiver.deliveries.first?.json?["text"] as? String)
                    #expect(text.contains("[FIRING:1] NotificationQueueStuck"))
                    #expect(text.contains("The queue is stuck"))
                    #expect(receiver.deliveries.first?.path == "/slack")
                }
            }
        }
    }
}
