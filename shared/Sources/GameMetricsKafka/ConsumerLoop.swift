import Kafka
import Logging
import ServiceLifecycle

/// Feeds a consumer's batches to a handler until graceful shutdown, which lets the batch in
/// hand finish (an idle consumer stops polling at once). Everything runs in the calling task
/// and its children, so the ServiceGroup's shutdown and cancellation reach all of it. The
/// handler retries failing steps with `retrying`, which gives up only when the service is
/// stopping. `progress` tells readiness whether batches get done (``ConsumerProgress``).
public final class ConsumerLoop: Sendable {
    private let consumer: KafkaConsumer
    private let retryDelay: Duration
    private let maxRetryDelay: Duration
    private let onRetry: @Sendable () -> Void
    private let logger: Logger
    public let progress: ConsumerProgress

    /// A failed attempt waits `retryDelay`, doubling up to `maxRetryDelay`; `onRetry` counts it.
    /// Readiness check `name` fails while a batch has not been done for `stallAfter`.
    public init(
        consumer: KafkaConsumer, name: String = "kafka-consumer", stallAfter: Duration = .seconds(120), retryDelay: Duration,
        maxRetryDelay: Duration = .seconds(5), logger: Logger, onRetry: @escaping @Sendable () -> Void = {}
    ) {
        self.consumer = consumer
        self.retryDelay = retryDelay
        self.maxRetryDelay = maxRetryDelay
        self.onRetry = onRetry
        self.logger = logger
        self.progress = ConsumerProgress(name: name, stallAfter: stallAfter)
    }

    /// `prepare` is retried until it succeeds (graceful shutdown cancels it: it holds no batch);
    /// then each batch goes to `handle` until graceful shutdown, or until `handle` returns false
    /// (it gave up because the service is stopping). The consumer stays open, for the commits of
    /// work still in flight: call ``close()`` after them.
    public func feed(
        prepare: @escaping @Sendable () async throws -> Void = {}, handle: @escaping @Sendable ([KafkaConsumerMessage]) async -> Bool
    ) async throws {
        let prepared = await cancelWhenGracefulShutdown {
            await self.retrying("prepare", failed: self.progress.preparationFailed, prepare)
        }
        guard prepared else { return }
        progress.prepared()
        for try await batch in consumer.batches.cancelOnGracefulShutdown() {
            progress.received()
            guard await handle(batch) else { return }
        }
    }

    /// Leaves the group: after the last commit.
    public func close() async {
        await consumer.close()
    }

    /// ``feed(prepare:handle:)`` for handlers that are done with a batch when they return, then
    /// ``close()``.
    public func run(
        prepare: @escaping @Sendable () async throws -> Void = {}, handle: @escaping @Sendable ([KafkaConsumerMessage]) async -> Bool
    ) async throws {
        do {
            try await feed(prepare: prepare, handle: handle)
        } catch {
            await close()
            throw error
        }
        await close()
    }

    /// Commits, per partition, the offset after a batch: the batch is done (for ``progress``)
    /// whether or not the broker took the commit, since its work is.
    public func commit(next offsets: [KafkaTopicPartition: Int64]) async throws {
        defer { progress.done() }
        try await consumer.commit(next: offsets)
    }

    /// Like `run`, for handlers that take one record at a time: the batch's offsets are
    /// committed once every record of it is handled (handlers must be idempotent: a redelivery
    /// after a failed commit or a crash repeats them).
    public func runRecordByRecord(
        prepare: @escaping @Sendable () async throws -> Void = {}, handle: @escaping @Sendable (KafkaConsumerMessage) async -> Bool
    ) async throws {
        try await run(prepare: prepare) { [logger] batch in
            for record in batch {
                guard await handle(record) else { return false }
            }
            do {
                try await self.commit(next: KafkaConsumerMessage.nextOffsets(after: batch))
            } catch {
                logger.warning(
                    "offsets not committed; the records are handled and a redelivery repeats them harmlessly",
                    metadata: [
                        "error": "\(error)"
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
            logger.error(
                "record dead-lettered",
                metadata: [
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

    /// Runs `work` until it succeeds, waiting longer after each failure (each is passed to
    /// `failed`); false when the service is stopping (gracefully or cancelled) after a failure.
    public func retrying(_ what: String, failed: (any Error) -> Void = { _ in }, _ work: () async throws -> Void) async -> Bool {
        guard !Task.isCancelled else { return false }
        var delay = retryDelay
        while true {
            do {
                try await work()
                return true
            } catch {
                onRetry()
                failed(error)
                logger.warning("could not \(what) yet; retrying", metadata: ["error": "\(String(reflecting: error))", "retry_in": "\(delay)"])
            }
            if Task.isCancelled || Task.isShuttingDownGracefully { return false }
            let wait = delay
            do {
                // Graceful shutdown ends the wait too: a failing step is not retried once stopping.
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                return false
            }
            if Task.isCancelled || Task.isShuttingDownGracefully { return false }
            delay = min(delay * 2, maxRetryDelay)
        }
    }
}
