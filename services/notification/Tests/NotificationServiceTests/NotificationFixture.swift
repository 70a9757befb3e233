import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Kafka
import Logging
import PostgresNIO
import Testing

@testable import NotificationService

/// The notification service's real surroundings on loopback: a fresh database with every
/// service's schema and db/roles.sql applied (the service connects as `gm_notification`), the
/// user service as a process (tokens, JWKS), devkafka topics of this test's own and an SMTP sink.
struct NotificationFixture: Sendable {
    let kafka: String
    let ownerURL: String
    let serviceURL: String
    let user: UserServiceProcess
    let smtp: SMTPTestServer
    let topics: Topics
    let suffix: String

    struct Topics: Sendable {
        let requested: String, events: String, recommendations: String, deadLetters: String, erasure: String
    }

    static func run(_ body: @Sendable (NotificationFixture) async throws -> Void) async throws {
        let kafka = try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP")
        let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
        let suffix = String(UUID().uuidString.prefix(8).lowercased())
        let topics = Topics(
            requested: "test.notify-requested.\(suffix)", events: "test.notify-events.\(suffix)", recommendations: "test.notify-recs.\(suffix)",
            deadLetters: "test.notify-dlq.\(suffix)", erasure: "test.notify-erasure.\(suffix)")
        for topic in [topics.requested, topics.events, topics.recommendations, topics.deadLetters, topics.erasure, topics.erasure + ".dlq"] {
            try await control.createTopic(topic, partitions: 3)
        }
        let smtp = try SMTPTestServer()
        defer { smtp.remove() }
        try await smtp.start()
        try await TestDatabase.withFresh { ownerURL in
            let logger = Logger(label: "notification-fixture")
            try await UserServiceProcess.run(databaseURL: ownerURL, environment: ["GM_KAFKA_BOOTSTRAP": kafka]) { user in
                try await PlatformSchemas.apply(ownerURL: ownerURL, logger: logger)
                var service = try #require(URLComponents(string: try TestServers.value("GM_TEST_PG_NOTIFICATION_URL")))
                service.path = try #require(URLComponents(string: ownerURL)).path
                try await body(
                    NotificationFixture(
                        kafka: kafka, ownerURL: ownerURL, serviceURL: try #require(service.string), user: user, smtp: smtp, topics: topics, suffix: suffix))
            }
        }
    }

    /// The service's variables: its own role, this test's topics, SMTP sink and user service;
    /// quick retries (50 ms doubling to 400 ms), 4 attempts, 2 s per attempt.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        [
            "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_INTERNAL_HTTP_PORT": "0", "GM_LOG_LEVEL": "warning", "GM_HTTP_IDLE_TIMEOUT_MS": "600000",
            "GM_PG_URL": serviceURL, "GM_KAFKA_BOOTSTRAP": kafka, "GM_USER_URL": user.url, "GM_NOTIFICATION_SMTP_URL": smtp.url,
            "GM_NOTIFICATION_SMTP_TLS": "none", "GM_NOTIFICATION_SECRET_KEY": Self.secretKey, "GM_NOTIFICATION_ALLOW_PRIVATE_DESTINATIONS": "true",
            "GM_NOTIFICATION_FROM_ADDRESS": "no-reply@notify.test", "GM_NOTIFICATION_PUBLIC_URL": "https://notify.test",
            "GM_NOTIFICATION_BACKOFF_BASE_MS": "50", "GM_NOTIFICATION_BACKOFF_MAX_MS": "400", "GM_NOTIFICATION_MAX_ATTEMPTS": "4",
            "GM_NOTIFICATION_DELIVERY_TIMEOUT_MS": "2000", "GM_NOTIFICATION_POLL_INTERVAL_MS": "50",
            "GM_NOTIFICATION_REQUESTED_TOPIC": topics.requested, "GM_NOTIFICATION_REQUESTED_GROUP": "notify-requested-\(suffix)",
            "GM_NOTIFICATION_EVENTS_TOPIC": topics.events, "GM_NOTIFICATION_EVENTS_GROUP": "notify-events-\(suffix)",
            "GM_NOTIFICATION_RECOMMENDATIONS_TOPIC": topics.recommendations, "GM_NOTIFICATION_RECOMMENDATIONS_GROUP": "notify-recs-\(suffix)",
            "GM_NOTIFICATION_DLQ_TOPIC": topics.deadLetters, "GM_NOTIFICATION_ERASURE_TOPIC": topics.erasure,
            "GM_NOTIFICATION_ERASURE_GROUP": "notify-erasure-\(suffix)", "GM_ERASURE_SUBJECT_KEY": PlatformContract.testErasureSubjectKey,
            "GM_NOTIFICATION_ALERTMANAGER_TOKEN": Self.alertmanagerToken,
        ].merging(extra) { $1 }
    }

    static let secretKey = Data((0..<32).map { UInt8(truncatingIfNeeded: 0x3C ^ $0) }).base64EncodedString()
    static let alertmanagerToken = "alertmanager-test-token"

    /// Runs the service in this process on a free port until `body` returns.
    func withService(_ extra: [String: String] = [:], _ body: @Sendable (NotificationAPI) async throws -> Void) async throws {
        let application = try buildApplication(environment: EnvironmentReader(environment(extra)))
        try await application.test(.live) { client in
            let api = NotificationAPI(url: "http://127.0.0.1:\(try #require(client.port))")
            try await eventually(.seconds(60)) { try await api.send("GET", "/health/ready").status == 200 }
            try await body(api)
        }
    }

    /// An operator token of tenant A (`suffix` "") or B ("_B").
    func operatorToken(_ suffix: String = "") async throws -> String {
        try await user.token(clientID: try user.seeded("GM_CLIENT_ID\(suffix)"), secret: try user.seeded("GM_CLIENT_SECRET\(suffix)"))
    }

    func tenant(_ suffix: String = "") throws -> String { try user.seeded("GM_TENANT\(suffix)") }

    /// Produces `value` to `topic` and waits for the acknowledgement.
    func produce(_ topic: String, key: String, value: [UInt8]) async throws {
        try await TestProducer.send(topic, key: key, value: value, clientID: "notification-tests")
    }
}

/// Calls to the running service.
struct NotificationAPI: Sendable {
    let url: String

    struct Answer: Sendable {
        let status: Int
        let headers: [String: String]
        let body: Data
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
    }

    func send(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:], json: String? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if json != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = json.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name)] = String(describing: value) }
        return Answer(status: http.statusCode, headers: fields, body: data)
    }

    /// `POST /v1/notifications` with an idempotency key.
    func notify(_ json: String, token: String, key: String = UUID().uuidString) async throws -> Answer {
        try await send("POST", "/v1/notifications", token: token, headers: ["Idempotency-Key": key], json: json)
    }

    /// The id of the first notification an accepted request queued.
    static func notificationID(_ answer: Answer) throws -> String {
        let notifications = try #require(answer.json?["notifications"] as? [[String: Any]], "answer \(answer.status): \(answer.text)")
        return try #require(notifications.first?["notification_id"] as? String)
    }

    /// The notification's status document once `condition` holds for it.
    func status(_ id: String, token: String, within limit: Duration = .seconds(60), until condition: @escaping ([String: Any]) -> Bool) async throws
        -> [String: Any]
    {
        var last: [String: Any] = [:]
        try await eventually(limit) {
            last = try await send("GET", "/v1/notifications/\(id)", token: token).json ?? [:]
            return condition(last)
        }
        return last
    }

    /// Registers a webhook (or Slack) endpoint; returns its id and (for a webhook) its secret.
    func addEndpoint(kind: String = "webhook", url: String, adminToken: String) async throws -> (id: String, secret: String?) {
        let answer = try await send("POST", "/v1/endpoints", token: adminToken, json: #"{"kind":"\#(kind)","url":"\#(url)"}"#)
        try #require(answer.status == 201, "endpoint: \(answer.status) \(answer.text)")
        return (try #require(answer.json?["endpoint_id"] as? String), answer.json?["secret"] as? String)
    }
}
