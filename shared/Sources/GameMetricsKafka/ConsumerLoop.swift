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

    /// Like `runRecordByRecord(prepare:handle:)`, for consumers that decode each record first, so
    /// that no record is retried forever: a record `decode` throws for, or that `handle` rejects,
    /// is sent to `deadLetters` with the reason and then counts as handled (its offset is
    /// committed with the batch). Sending it is retried like any other step while the broker does
    /// not take it: a record is never passed over unrecorded. `decode` returns nil for a record
    /// that is not this consumer's to handle (another message type), which is passed over.
    public func runRecordByRecord<Message: Sendable>(
        prepare: @escaping @Sendable () async throws -> Void = {}, deadLetters: DeadLetterQueue,
        decode: @escaping @Sendable (KafkaConsumerMessage) throws -> Message?,
        handle: @escaping @Sendable (Message, KafkaConsumerMessage) async -> ConsumerRecordOutcome
    ) async throws {
        try await runRecordByRecord(prepare: prepare) { [logger] record in
            let reason: String
            do {
                guard let message = try decode(record) else { return true }
                switch await handle(message, record) {
                case .handled: return true
                case .stopped: return false
                case .rejected(let why): reason = why
                }
            } catch {
                reason = String(describing: error)
            }
            logger.error("record dead-lettered", metadata: [
                "topic": "\(record.topic)", "partition": "\(record.partition)", "offset": "\(record.offset)", "reason": "\(reason)",
            ])
            return await self.retrying("dead-letter \(record.topic)/\(record.partition)@\(record.offset)") {
                try await deadLetters.send(record, reason: reason)
            }
        }
    }

    /// Runs `work` like `retrying`, except that an error that is a ``RecordRejection`` (thrown as
    /// one, or the database refusing the record's content) ends the attempts at once: the record
    /// is to be dead-lettered, not retried.
    public func handling(_ what: String, _ work: () async throws -> Void) async -> ConsumerRecordOutcome {
        var rejection: RecordRejection?
        let finished = await retrying(what) {
            do {
                try await work()
            } catch {
                guard let rejected = RecordRejection(error) else { throw error }
                rejection = rejected
            }
        }
        if let rejection { return .rejected(reason: rejection.reason) }
        return finished ? .handled : .stopped
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
