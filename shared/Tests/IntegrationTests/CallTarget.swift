import Foundation
import GameMetricsKit

/// What reading one `GM_*` variable says about the connections a service opens.
enum CallTarget: Equatable {
    /// The service connects to `to` on its port named `port`.
    case connects(to: String, port: String)
    /// The service listens on its internal port, where Prometheus scrapes `/metrics`.
    case scrapedByPrometheus
    /// The service accepts calls from `from` on its port named `port` (a credential only that
    /// caller presents, e.g. Alertmanager's token).
    case calledBy(from: String, port: String)
    /// An address (`GM_*_URL`, `_ENDPOINT`, `_BOOTSTRAP`) this mapping does not know: a new
    /// dependency, to be added here and to the charts' call graph (global.callGraph) on purpose.
    case unknownAddress
    /// Not about connections (ports of its own, timeouts, keys, ...).
    case none

    /// Infrastructure, by the variables naming it; the port is the target's own name.
    static let infrastructure: [String: String] = [
        "GM_PG_URL": "postgres", "GM_PG_MIGRATION_URL": "postgres",
        "GM_KAFKA_BOOTSTRAP": "kafka",
        "GM_REDIS_URL": "redis",
        "GM_S3_ENDPOINT": "s3", "GM_AUDIT_ANCHOR_S3_ENDPOINT": "s3",
        "GM_PROMETHEUS_URL": "prometheus",
        // The notification service's deliveries: the SMTP relay, and receivers on the internet
        // (the platform operators' Slack webhook; tenants' endpoints come from its database).
        "GM_NOTIFICATION_SMTP_URL": "smtp", "GM_NOTIFICATION_ALERT_SLACK_URL": "internet",
    ]

    /// Credentials that only one caller presents: reading one means that caller calls the
    /// service's public port.
    static let callers: [String: String] = ["GM_NOTIFICATION_ALERTMANAGER_TOKEN": "alertmanager"]

    /// Origins as browsers reach them (the console's, the user service's login form): links and
    /// redirects the service writes, never connections it opens.
    static let browserOrigins: Set<String> = ["GM_ADMIN_PUBLIC_URL", "GM_USER_PUBLIC_URL", "GM_NOTIFICATION_PUBLIC_URL"]

    init(variable name: String) {
        if Self.browserOrigins.contains(name) {
            self = .none
            return
        }
        if let caller = Self.callers[name] {
            self = .calledBy(from: caller, port: "http")
            return
        }
        if let target = Self.infrastructure[name] {
            self = .connects(to: target, port: target)
            return
        }
        if name == "GM_INTERNAL_HTTP_PORT" {
            self = .scrapedByPrometheus
            return
        }
        for service in PlatformService.all.map(\.name) {
            let prefix = "GM_" + service.uppercased().replacingOccurrences(of: "-", with: "_")
            if name == prefix + "_URL" {
                self = .connects(to: service, port: "http")
                return
            }
            if name == prefix + "_INTERNAL_URL" {
                self = .connects(to: service, port: "internal")
                return
            }
        }
        let isAddress = name.hasPrefix("GM_") && ["_URL", "_ENDPOINT", "_BOOTSTRAP"].contains { name.hasSuffix($0) }
        self = isAddress ? .unknownAddress : .none
    }
}
