import CurlHTTP
import Foundation
import GameMetricsErasure
import GameMetricsKit

/// The notification service's own configuration (the shared HTTP/PostgreSQL/Kafka variables are
/// read by `ServiceConfiguration` and `PlatformClients`). Every variable is in the service README.
struct NotificationSettings: Sendable {
    /// `GM_USER_URL`: the user service, whose JWKS verifies callers' tokens.
    var userServiceURL: URL
    /// `GM_AUTH_ISSUER`: the `iss` of access tokens (default: `GM_USER_URL`).
    var issuer: String
    var smtp: SMTPConfiguration
    /// `GM_NOTIFICATION_FROM_ADDRESS`: the envelope sender and `From` address of every email.
    var fromAddress: String
    /// `GM_NOTIFICATION_PUBLIC_URL`: where players reach `/v1/unsubscribe` (List-Unsubscribe).
    var publicURL: URL
    /// `GM_NOTIFICATION_SECRET_KEY`: seals endpoint secrets at rest and signs unsubscribe links.
    var secretKey: [UInt8]
    /// `GM_NOTIFICATION_ALERTMANAGER_TOKEN`: the bearer token Alertmanager presents; nil turns
    /// `/v1/alertmanager` off (404).
    var alertmanagerToken: String?
    /// `GM_NOTIFICATION_ALERT_SLACK_URL`: the platform operators' Slack-compatible webhook.
    var alertSlackURL: URL?
    var delivery: DeliveryPolicy
    /// `GM_NOTIFICATION_ALLOW_PRIVATE_DESTINATIONS` (false): whether endpoints may point at
    /// loopback, private or link-local addresses (only for local runs and tests).
    var allowPrivateDestinations: Bool
    var topics: Topics

    struct Topics: Sendable {
        /// `GM_NOTIFICATION_REQUESTED_TOPIC` / `_GROUP`: notifications other services ask for.
        var requested: String
        var requestedGroup: String
        /// `GM_NOTIFICATION_EVENTS_TOPIC` / `_GROUP`: player events (the achievement rule).
        var events: String
        var eventsGroup: String
        /// `GM_NOTIFICATION_RECOMMENDATIONS_TOPIC` / `_GROUP`: the recommendations rule.
        var recommendations: String
        var recommendationsGroup: String
        /// `GM_NOTIFICATION_DLQ_TOPIC`: dead notifications, with every attempt.
        var deadLetters: String
        /// `GM_NOTIFICATION_ERASURE_TOPIC` / `_GROUP`.
        var erasure: String
        var erasureGroup: String
    }

    init(environment: EnvironmentReader) throws {
        userServiceURL = try environment.requiredURL("GM_USER_URL", schemes: ["http", "https"])
        var defaultIssuer = userServiceURL.absoluteString
        while defaultIssuer.hasSuffix("/") { defaultIssuer.removeLast() }
        issuer = environment.string("GM_AUTH_ISSUER", default: defaultIssuer)
        smtp = try Self.smtp(environment)
        fromAddress = environment.string("GM_NOTIFICATION_FROM_ADDRESS", default: "no-reply@gamemetrics.example")
        guard EmailAddress.isValid(fromAddress) else {
            throw ConfigurationError(variable: "GM_NOTIFICATION_FROM_ADDRESS", problem: "is not an email address")
        }
        publicURL = try environment.url("GM_NOTIFICATION_PUBLIC_URL", schemes: ["http", "https"]) ?? URL(string: "http://127.0.0.1:\(PlatformService.notification.port)")!
        let key = try environment.requiredSecret("GM_NOTIFICATION_SECRET_KEY")
        guard let bytes = Data(base64Encoded: key), bytes.count >= 32 else {
            throw ConfigurationError(variable: "GM_NOTIFICATION_SECRET_KEY", problem: "must be base64 of at least 32 random bytes")
        }
        secretKey = Array(bytes)
        alertmanagerToken = try environment.secret("GM_NOTIFICATION_ALERTMANAGER_TOKEN")
        alertSlackURL = try environment.secret("GM_NOTIFICATION_ALERT_SLACK_URL").map { raw in
            guard let url = URL(string: raw), url.scheme == "https" || url.scheme == "http", url.host != nil else {
                throw ConfigurationError(variable: "GM_NOTIFICATION_ALERT_SLACK_URL", problem: "is not an http(s) URL")
            }
            return url
        }
        delivery = try DeliveryPolicy(environment: environment)
        allowPrivateDestinations = try environment.bool("GM_NOTIFICATION_ALLOW_PRIVATE_DESTINATIONS", default: false)
        topics = Topics(
            requested: environment.string("GM_NOTIFICATION_REQUESTED_TOPIC", default: PlatformTopic.notifications),
            requestedGroup: environment.string("GM_NOTIFICATION_REQUESTED_GROUP", default: "notification"),
            events: environment.string("GM_NOTIFICATION_EVENTS_TOPIC", default: PlatformTopic.rawEvents),
            eventsGroup: environment.string("GM_NOTIFICATION_EVENTS_GROUP", default: "notification-achievements"),
            recommendations: environment.string("GM_NOTIFICATION_RECOMMENDATIONS_TOPIC", default: PlatformTopic.recommendations),
            recommendationsGroup: environment.string("GM_NOTIFICATION_RECOMMENDATIONS_GROUP", default: "notification-recommendations"),
            deadLetters: environment.string("GM_NOTIFICATION_DLQ_TOPIC", default: PlatformTopic.notificationDeadLetters),
            erasure: environment.string("GM_NOTIFICATION_ERASURE_TOPIC", default: ErasureMessage.topic),
            erasureGroup: environment.string("GM_NOTIFICATION_ERASURE_GROUP", default: ErasureParticipant.groupID(for: .notification)))
    }

    private static func smtp(_ environment: EnvironmentReader) throws -> SMTPConfiguration {
        let url = try environment.requiredURL("GM_NOTIFICATION_SMTP_URL", schemes: ["smtp"])
        guard let host = url.host, !host.isEmpty else {
            throw ConfigurationError(variable: "GM_NOTIFICATION_SMTP_URL", problem: "names no host")
        }
        let securityName = environment.string("GM_NOTIFICATION_SMTP_TLS", default: "starttls")
        guard let security = SMTPConfiguration.Security(rawValue: securityName) else {
            throw ConfigurationError(variable: "GM_NOTIFICATION_SMTP_TLS", problem: "must be none, starttls or implicit, got '\(securityName)'")
        }
        return SMTPConfiguration(
            host: host, port: url.port ?? (security == .implicit ? 465 : 587), security: security,
            username: environment.optional("GM_NOTIFICATION_SMTP_USERNAME"), password: try environment.secret("GM_NOTIFICATION_SMTP_PASSWORD"),
            caFile: environment.optional("GM_NOTIFICATION_SMTP_CA_PATH"),
            timeout: try environment.milliseconds("GM_NOTIFICATION_DELIVERY_TIMEOUT_MS", default: .seconds(10)),
            maxConcurrentSessions: try environment.int("GM_NOTIFICATION_SMTP_SESSIONS", default: 4, in: 1...64))
    }

    /// What it does with Kafka: reads the requests, the player events and the recommendations,
    /// writes dead notifications, takes part in erasure.
    var kafkaAccess: KafkaAccess {
        KafkaAccess(
            produces: [topics.deadLetters],
            consumes: [
                KafkaAccess.Consumption(topic: topics.requested, group: topics.requestedGroup),
                KafkaAccess.Consumption(topic: topics.events, group: topics.eventsGroup),
                KafkaAccess.Consumption(topic: topics.recommendations, group: topics.recommendationsGroup),
            ]
        )
        .union(ErasureParticipant.kafkaAccess(topic: topics.erasure, groupID: topics.erasureGroup))
    }
}
