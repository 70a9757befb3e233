import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Feeds a consumer's batches to a handler until graceful shutdown, which lets the batch in
/// hand finish (an idle consumer is closed at once). The handler retries failing steps with
/// `retrying`, which gives up only when the loop is stopping.
final class ConsumerLoop: Sendable {
    private let consumer: KafkaConsumer
    private let retryDelay: Duration
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var processing = false
        var stopRequested = false
    }

    init(consumer: KafkaConsumer, retryDelay: Duration, logger: Logger) {
        self.consumer = consumer
        self.retryDelay = retryDelay
        self.logger = logger
    }

    /// `prepare` is retried until it succeeds; `handle` returns false when it gave up (stopping).
    func run(prepare: @escaping @Sendable () async throws -> Void, handle: @escaping @Sendable ([KafkaConsumerMessage]) async -> Bool) async throws {
        try await withGracefulShutdownHandler {
            // Preparing holds no batch, so shutdown may cancel it (a lease on a database that
            // is down can wait for a long time).
            let prepared = (try? await cancelWhenGracefulShutdown { await self.retrying("prepare the schema", prepare) }) ?? false
            guard prepared else { return }
            for try await batch in consumer.batches {
                let proceed = state.withLock { state in
                    guard !state.stopRequested else { return false }
                    state.processing = true
                    return true
                }
                guard proceed else { break }
                let handled = await handle(batch)
                let stop = state.withLock { state in
                    state.processing = false
                    return state.stopRequested
                }
                if stop || !handled { break }
            }
        } onGracefulShutdown: { [self] in
            let idle = state.withLock { state in
                state.stopRequested = true
                return !state.processing
            }
            if idle { Task { await self.consumer.close() } }
        }
        await consumer.close()
    }

    /// Runs `work` until it succeeds, waiting longer after each failure (up to 5 s); false
    /// when the loop is stopping or the task is cancelled.
    func retrying(_ what: String, _ work: () async throws -> Void) async -> Bool {
        guard !Task.isCancelled else { return false }
        var delay = retryDelay
        while true {
            do {
                try await work()
                return true
            } catch {
                ProcessorMetrics.retries.increment()
                logger.warning("could not \(what) yet; retrying", metadata: ["error": "\(String(reflecting: error))", "retry_in": "\(delay)"])
            }
            do {
                try await Task.sleep(for: delay)
            } catch {
                return false
            }
            if Task.isCancelled || state.withLock({ $0.stopRequested }) { return false }
            delay = min(delay * 2, .seconds(5))
        }
    }
}
