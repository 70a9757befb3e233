import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Feeds a consumer's batches to a handler until graceful shutdown, which lets the batch in
/// hand finish (an idle consumer is closed at once). The handler retries failing steps with
/// `retrying`, which gives up only when the loop is stopping.
public final class ConsumerLoop: Sendable {
    private let consumer: KafkaConsumer
    private let retryDelay: Duration
    private let maxRetryDelay: Duration
    private let onRetry: @Sendable () -> Void
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var processing = false
        var stopRequested = false
    }

    /// A failed attempt waits `retryDelay`, doubling up to `maxRetryDelay`; `onRetry` counts it.
    public init(
        consumer: KafkaConsumer, retryDelay: Duration, maxRetryDelay: Duration = .seconds(5), logger: Logger,
        onRetry: @escaping @Sendable () -> Void = {}
    ) {
        self.consumer = consumer
        self.retryDelay = retryDelay
        self.maxRetryDelay = maxRetryDelay
        self.onRetry = onRetry
        self.logger = logger
    }

    /// `prepare` is retried until it succeeds; `handle` returns false when it gave up (stopping).
    /// A handler that leaves work of a batch in flight when it returns (e.g. committing its
    /// offsets while the next batch is stored) passes `flush`, which waits for that work; the
    /// consumer is closed only after it.
    public func run(
        prepare: @escaping @Sendable () async throws -> Void = {}, handle: @escaping @Sendable ([KafkaConsumerMessage]) async -> Bool,
        flush: @escaping @Sendable () async -> Void = {}
    ) async throws {
        try await withGracefulShutdownHandler {
            // Preparing holds no batch, so shutdown may cancel it (a lease on a database that
            // is down can wait for a long time).
            let prepared = (try? await cancelWhenGracefulShutdown { await self.retrying("prepare", prepare) }) ?? false
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
            if idle {
                Task {
                    await flush()
                    await self.consumer.close()
                }
            }
        }
        await flush()
        await consumer.close()
    }

    /// Like `run`, for handlers that take one record at a time: the batch's offsets are
    /// committed once every record of it is handled (handlers must be idempotent: a redelivery
    /// after a failed commit or a crash repeats them).
    public func runRecordByRecord(
        prepare: @escaping @Sendable () async throws -> Void = {}, handle: @escaping @Sendable (KafkaConsumerMessage) async -> Bool
    ) async throws {
        try await run(prepare: prepare) { [consumer, logger] batch in
            for record in batch {
                guard await handle(record) else { return false }
            }
            do {
                try await consumer.commit(processed: batch)
            } catch {
                logger.warning("offsets not committed; the records are handled and a redelivery repeats them harmlessly", metadata: [
                    "error": "\(error)",
                ])
            }
            return true
        }
    }

    /// Runs `work` until it succeeds, waiting longer after each failure; false when the loop is
    /// stopping or the task is cancelled.
    public func retrying(_ what: String, _ work: () async throws -> Void) async -> Bool {
        guard !Task.isCancelled else { return false }
        var delay = retryDelay
        while true {
            do {
                try await work()
                return true
            } catch {
                onRetry()
                logger.warning("could not \(what) yet; retrying", metadata: ["error": "\(String(reflecting: error))", "retry_in": "\(delay)"])
            }
            do {
                try await Task.sleep(for: delay)
            } catch {
                return false
            }
            if Task.isCancelled || state.withLock({ $0.stopRequested }) { return false }
            delay = min(delay * 2, maxRetryDelay)
        }
    }
}
