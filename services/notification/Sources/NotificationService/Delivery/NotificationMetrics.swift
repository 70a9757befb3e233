import Foundation
import Metrics

/// The service's own metrics (names in the README; alerts in notification.rules.yml). Every
/// series exists from the start at zero, so a rate is never "no data".
struct NotificationMetrics: Sendable {
    func sent(_ channel: Channel) { Counter(label: "gm_notification_sent_total", dimensions: [("channel", channel.rawValue)]).increment() }

    func failed(_ channel: Channel, permanent: Bool) {
        Counter(label: "gm_notification_failed_total", dimensions: [("channel", channel.rawValue), ("kind", permanent ? "permanent" : "transient")])
            .increment()
    }

    func retried(_ channel: Channel) { Counter(label: "gm_notification_retried_total", dimensions: [("channel", channel.rawValue)]).increment() }

    func deadLettered(_ channel: Channel) {
        Counter(label: "gm_notification_dead_lettered_total", dimensions: [("channel", channel.rawValue)]).increment()
    }

    func suppressed(_ reason: SuppressionReason) {
        Counter(label: "gm_notification_suppressed_total", dimensions: [("reason", reason.rawValue)]).increment()
    }

    /// From the notification's creation to its delivery.
    func delivered(_ channel: Channel, after seconds: Double) {
        Metrics.Timer(label: "gm_notification_delivery_seconds", dimensions: [("channel", channel.rawValue)])
            .recordNanoseconds(Int64(max(0, seconds) * 1e9))
    }

    func queue(_ statistics: QueueStatistics) {
        for channel in Channel.allCases {
            Gauge(label: "gm_notification_queue_depth", dimensions: [("channel", channel.rawValue)]).record(statistics.pending[channel] ?? 0)
        }
        Gauge(label: "gm_notification_queue_oldest_age_seconds").record(statistics.oldestDueWait)
        Gauge(label: "gm_notification_dlq_depth").record(statistics.dead)
    }

    /// Registers every series at zero.
    func registerAll() {
        for channel in Channel.allCases {
            Counter(label: "gm_notification_sent_total", dimensions: [("channel", channel.rawValue)]).increment(by: 0)
            for kind in ["transient", "permanent"] {
                Counter(label: "gm_notification_failed_total", dimensions: [("channel", channel.rawValue), ("kind", kind)]).increment(by: 0)
            }
            Counter(label: "gm_notification_retried_total", dimensions: [("channel", channel.rawValue)]).increment(by: 0)
            Counter(label: "gm_notification_dead_lettered_total", dimensions: [("channel", channel.rawValue)]).increment(by: 0)
        }
        for reason in SuppressionReason.allCases {
            Counter(label: "gm_notification_suppressed_total", dimensions: [("reason", reason.rawValue)]).increment(by: 0)
        }
        queue(QueueStatistics(pending: [:], oldestDueWait: 0, dead: 0))
    }
}
