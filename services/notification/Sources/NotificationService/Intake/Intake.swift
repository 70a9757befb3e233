import Foundation
import Logging

/// Where every notification enters: the API, the `notifications.requested` topic, the rules
/// and Alertmanager all queue through here, so they share one set of rules: the idempotency
/// key, the erasure check, the tenant's rules and its operators' destinations.
struct Intake: Sendable {
    let queue: NotificationQueue
    let directory: TenantDirectory
    let wakeup: WakeSignal
    let metrics: NotificationMetrics

    /// What was queued for one request: a notification per destination (the tenant's
    /// operators may have two).
    struct Queued: Sendable, Equatable {
        var channel: Channel
        var result: EnqueueResult
    }

    /// Queues `request` for `tenantID` under `key`. `rule` names the rule that made it, which
    /// the tenant may have turned off (then it is recorded as suppressed).
    func submit(
        _ request: ValidatedRequest, tenantID: String, key: String, source: String, rule: NotificationRule? = nil, traceparent: String?
    ) async throws -> [Queued] {
        // A rule's email to a player without an address is not queued at all: nobody asked for
        // it and nothing could be sent (player events carry many of them).
        if rule != nil, case .player(let player) = request.target,
            try await directory.recipient(tenantID: tenantID, playerID: player)?.email == nil
        {
            metrics.suppressed(.noAddress)
            return []
        }
        var destinations: [(Channel, String, String?)] = []
        var suppressed: SuppressionReason?
        let settings = try await directory.settings(tenantID: tenantID)
        if let rule, settings.disabledRules.contains(rule) { suppressed = .ruleDisabled }
        switch request.target {
        case .player(let player):
            destinations = [(.email, QueuedNotification.playerDestination, player)]
        case .address(let address):
            destinations = [(.email, address, nil)]
        case .endpoint(let id, let player):
            destinations = [(request.channel ?? .webhook, id.uuidString.lowercased(), player)]
        case .operators:
            if request.channel != .slack, let email = settings.operatorEmail { destinations.append((.email, email, nil)) }
            if request.channel != .email, let endpoint = settings.operatorEndpointID { destinations.append((.slack, endpoint, nil)) }
            if destinations.isEmpty {
                destinations = [(request.channel ?? .email, "none", nil)]
                suppressed = suppressed ?? .noDestination
            }
        }
        var queued: [Queued] = []
        for (channel, destination, player) in destinations {
            // One key per destination, so the operators' email and Slack message are separate
            // notifications with ids of their own.
            let destinationKey = destinations.count > 1 ? "\(key)#\(channel.rawValue)" : key
            let result = try await queue.enqueue(
                NewNotification(
                    tenantID: tenantID, idempotencyKey: destinationKey, requestHash: request.hash, source: source, channel: channel,
                    destination: destination, playerID: player, template: request.template, data: request.data, traceparent: traceparent,
                    suppressedBecause: suppressed))
            if case .created(_, let status) = result, status == "suppressed" {
                metrics.suppressed(suppressed ?? .erased)
            }
            queued.append(Queued(channel: channel, result: result))
        }
        wakeup.signal()
        return queued
    }
}
