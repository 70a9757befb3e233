import Foundation
import GameMetricsPostgres
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Delivers what is due: claims notifications (a few per tenant per claim), runs each attempt as
/// a child task, at most `concurrency` at once, `channelConcurrency` per channel and
/// `destinationConcurrency` per destination, and
/// records the outcome — delivered, another try after a backoff, or dead (the DLQ). On graceful
/// shutdown it claims nothing more and lets the attempts in flight end (each within its timeout).
final class DeliveryWorker: Service {
    private let queue: NotificationQueue
    private let courier: Courier
    private let policy: DeliveryPolicy
    private let destinations: ConcurrencyLimiter
    private let channels: ConcurrencyLimiter
    private let metrics: NotificationMetrics
    private let deadLetters: WakeSignal
    private let logger: Logger
    private let inFlight = Mutex(0)
    /// Signalled by intake and by every finished attempt.
    let wakeup = WakeSignal()

    init(queue: NotificationQueue, courier: Courier, policy: DeliveryPolicy, metrics: NotificationMetrics, deadLetters: WakeSignal, logger: Logger) {
        self.queue = queue
        self.courier = courier
        self.policy = policy
        self.destinations = ConcurrencyLimiter { [limit = policy.destinationConcurrency] _ in limit }
        self.channels = ConcurrencyLimiter { [limits = policy.channelConcurrency] key in limits[Channel(rawValue: key) ?? .webhook] ?? 1 }
        self.metrics = metrics
        self.deadLetters = deadLetters
        self.logger = logger
    }

    /// A claimed notification is due again after this if its worker never reports back.
    private var lease: Duration { policy.timeout * 3 + .seconds(5) }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let free = policy.concurrency - inFlight.withLock { $0 }
                var claimed: [QueuedNotification] = []
                if free > 0 {
                    do {
                        claimed = try await queue.claim(limit: free, perTenant: policy.perTenantBatch, lease: lease)
                    } catch {
                        logger.warning("could not claim notifications; trying again", metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
                for notification in claimed {
                    inFlight.withLock { $0 += 1 }
                    group.addTask {
                        await self.attempt(notification)
                        self.inFlight.withLock { $0 -= 1 }
                        self.wakeup.signal()
                    }
                }
                if claimed.isEmpty || claimed.count == free {
                    await wakeup.wait(upTo: policy.pollInterval)
                }
            }
        }
    }

    /// One attempt, start to finish; never throws (a failure to record leaves the lease to end).
    func attempt(_ notification: QueuedNotification) async {
        let started = Date()
        let plan: Courier.Plan
        do {
            plan = try await courier.plan(notification, now: started)
        } catch {
            logger.warning("could not prepare a notification; it is tried again", metadata: metadata(notification, error))
            try? await queue.postpone(notification, until: started.addingTimeInterval(1))
            return
        }
        switch plan {
        case .postpone(let until):
            try? await queue.postpone(notification, until: until)
        case .suppress(let reason):
            await suppress(notification, reason)
        case .refuse(let why):
            await finish(notification, started: started, outcome: .permanent(error: why, statusCode: nil))
        case .send(let destination, let send):
            let channel = notification.channel.rawValue
            guard channels.tryAcquire(channel) else {
                try? await queue.postpone(notification, until: Date().addingTimeInterval(0.2 + Double.random(in: 0..<0.2)))
                return
            }
            defer { channels.release(channel) }
            guard destinations.tryAcquire(destination) else {
                try? await queue.postpone(notification, until: Date().addingTimeInterval(0.2 + Double.random(in: 0..<0.2)))
                return
            }
            defer { destinations.release(destination) }
            guard let outcome = await sendUnlessErased(notification, send) else {
                await suppress(notification, .erased)
                return
            }
            await finish(notification, started: started, outcome: outcome)
        }
    }

    /// A player's notification is sent holding the erasure lock shared, after checking the
    /// erasure record: an erasure either finds this send done, or this send finds the erasure
    /// (and sends nothing). Nil when the player is erased.
    private func sendUnlessErased(_ notification: QueuedNotification, _ send: Courier.Send) async -> AttemptOutcome? {
        guard let player = notification.playerID else { return await send.run() }
        do {
            return try await queue.client.withTransactionEndingWithConnection(logger: logger) { connection in
                try await ErasedSubjects.holdShared(on: connection, logger: logger)
                let subject = ByteBuffer(bytes: queue.subjects.subject(tenantID: notification.tenantID, playerID: player))
                let erased = try await connection.answeredStatement("SELECT 1 FROM erased_subjects WHERE subject = \(subject)", logger: logger)
                guard erased.count == 0 else { return nil }
                return await send.run()
            }
        } catch {
            return .transient(error: "could not check the erasure record: \(error)", statusCode: nil, retryAfter: nil)
        }
    }

    private func suppress(_ notification: QueuedNotification, _ reason: SuppressionReason) async {
        do {
            try await queue.suppress(notification, because: reason)
            metrics.suppressed(reason)
        } catch {
            logger.warning("could not record a suppressed notification", metadata: metadata(notification, error))
        }
    }

    private func finish(_ notification: QueuedNotification, started: Date, outcome: AttemptOutcome) async {
        let next: NotificationQueue.NextStep
        switch outcome {
        case .delivered:
            next = .delivered
        case .transient(_, _, let retryAfter) where notification.attempts < policy.maxAttempts:
            next = .retry(after: policy.delay(afterAttempt: notification.attempts, retryAfter: retryAfter, random: Double.random(in: 0...1)))
        case .transient, .permanent:
            next = .dead
        }
        do {
            try await queue.finish(notification, startedAt: started, outcome: outcome, next: next)
        } catch {
            logger.warning(
                "could not record a delivery attempt; the notification is tried again with the same id once its lease ends",
                metadata: metadata(notification, error))
            return
        }
        switch next {
        case .delivered:
            metrics.sent(notification.channel)
            metrics.delivered(notification.channel, after: Date().timeIntervalSince(notification.createdAt))
        case .retry:
            metrics.failed(notification.channel, permanent: false)
            metrics.retried(notification.channel)
        case .dead:
            metrics.failed(notification.channel, permanent: outcome.name == "permanent")
            metrics.deadLettered(notification.channel)
            deadLetters.signal()
            logger.warning(
                "notification dead-lettered", metadata: metadata(notification).merging(["error": "\(outcome.error ?? "")"]) { $1 })
        }
    }

    private func metadata(_ notification: QueuedNotification, _ error: (any Error)? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "tenant_id": "\(notification.tenantID)", "notification_id": "\(notification.id.uuidString.lowercased())",
            "channel": "\(notification.channel.rawValue)", "attempt": "\(notification.attempts)",
        ]
        if let error { metadata["error"] = "\(String(reflecting: error))" }
        return metadata
    }
}
