import AsyncAlgorithms
import Foundation
import GameMetricsKafka
import GameMetricsKit
import GameMetricsService
import Kafka
import Logging
import ServiceLifecycle

/// The consumer group on the raw topic. Per batch:
/// 1. poison records go to the invalid topic (acknowledged);
/// 2. the events and their aggregates are written in one transaction (`EventStore`);
/// 3. the batch's players are published to the compacted processed topic (acknowledged), and
///    the live deltas to Redis (best effort);
/// 4. only then are the offsets committed.
/// Each step is a stage: a child task of `run()`, handing batches on through a rendezvous
/// channel, so the steps overlap across batches — the next batch is decoded (step 1) while
/// this one is stored, and stored (step 2) while this one is published and committed — and the
/// database is not idle while the processor decodes or Kafka acknowledges. At most one batch
/// waits between two stages, stores run one at a time, and batches are published and committed
/// in order. The ServiceGroup's graceful shutdown stops the polling and lets the batches in
/// the stages finish; its cancellation (after `GM_SHUTDOWN_GRACE_MS`) reaches every stage, and
/// a store then closes its connection, so its transaction rolls back and nothing is committed.
/// A failing step is retried with backoff, never skipped, so a batch is handled completely or
/// (after a crash or a shutdown) again; the store makes the repetition change nothing. Events
/// the database refuses because of their data are isolated (``RefusalIsolatingStore``) and go
/// to the invalid topic with its error before the offsets move on; any other store failure is
/// retried and counted by ``StoreHealth``, which makes the processor not ready while it lasts.
final class EventPipeline: Service, Sendable {
    private let store: RefusalIsolatingStore
    private let storeHealth: StoreHealth
    private let schema: SchemaPreparation
    private let producer: KafkaProducer
    private let live: LivePublisher
    private let lag: ConsumerLag
    private let settings: ProcessorSettings
    private let logger: Logger
    let loop: ConsumerLoop

    /// A batch as its publication and commit see it.
    private struct BatchReceipt: Sendable {
        /// Per partition, the offset after the batch's last record.
        var nextOffsets: [KafkaTopicPartition: Int64]
        var records: Int
        var events: Int
        var ingestedAt: [Date]
        var start: ContinuousClock.Instant

        init(_ records: [KafkaConsumerMessage], events: [ConsumedEvent], start: ContinuousClock.Instant) {
            nextOffsets = KafkaConsumerMessage.nextOffsets(after: records)
            self.records = records.count
            self.events = events.count
            ingestedAt = events.compactMap(\.ingestedAt)
            self.start = start
        }
    }

    /// Step 1's result, for the store.
    private struct DecodedBatch: Sendable {
        var events: [ConsumedEvent]
        /// What publishing and committing need, so the records are freed once decoded.
        var receipt: BatchReceipt
    }

    /// Step 2's result, for publication and commit.
    private struct StoredBatchReceipt: Sendable {
        var receipt: BatchReceipt
        var outcome: RefusalIsolatingStore.Outcome
        var storedAt: Date
    }

    init(
        consumer: KafkaConsumer, store: any EventStore, storeHealth: StoreHealth, schema: SchemaPreparation, producer: KafkaProducer, live: LivePublisher,
        lag: ConsumerLag, settings: ProcessorSettings, logger: Logger
    ) {
        self.store = RefusalIsolatingStore(underlying: store, attemptTimeout: settings.storeTimeout)
        self.storeHealth = storeHealth
        self.schema = schema
        self.producer = producer
        self.live = live
        self.lag = lag
        self.settings = settings
        self.logger = logger
        self.loop = ConsumerLoop(
            consumer: consumer, name: "events-consumer", stallAfter: settings.consumerStallAfter, retryDelay: settings.retryDelay, logger: logger
        ) { ProcessorMetrics.retries.increment() }
    }

    func run() async throws {
        let decoded = AsyncChannel<DecodedBatch>()
        let stored = AsyncChannel<StoredBatchReceipt>()
        do {
            try await withThrowingTaskGroup(of: Bool.self) { stages in
                stages.addTask {
                    defer { decoded.finish() }
                    try await self.loop.feed(prepare: { try await self.schema.prepare() }) { await self.decode($0, into: decoded) }
                    return true
                }
                stages.addTask {
                    defer { stored.finish() }
                    return await self.storeStage(decoded, into: stored)
                }
                stages.addTask { await self.publishStage(stored) }
                // A stage that gave up (the service is stopping) ends the others: no batch after
                // the one it gave up on may be committed.
                for try await completed in stages where !completed {
                    stages.cancelAll()
                }
            }
        } catch {
            await loop.close()
            throw error
        }
        // After the last commit.
        await loop.close()
    }

    /// Step 1, then hands the batch to the store; false when it gave up (stopping).
    private func decode(_ records: [KafkaConsumerMessage], into decoded: AsyncChannel<DecodedBatch>) async -> Bool {
        let start = ContinuousClock.now
        let (events, poison) = Self.decode(records)
        if !poison.isEmpty {
            guard await loop.retrying("record poison records", { try await self.recordPoison(poison) }) else { return false }
        }
        await decoded.send(DecodedBatch(events: events, receipt: BatchReceipt(records, events: events, start: start)))
        return !Task.isCancelled
    }

    /// Step 2 for each decoded batch, one at a time; false when it gave up (stopping).
    private func storeStage(_ decoded: AsyncChannel<DecodedBatch>, into stored: AsyncChannel<StoredBatchReceipt>) async -> Bool {
        for await batch in decoded {
            guard let outcome = await store(batch.events) else { return false }
            await stored.send(StoredBatchReceipt(receipt: batch.receipt, outcome: outcome, storedAt: Date()))
        }
        return true
    }

    /// Steps 3 and 4 for each stored batch, in order; false when it gave up (stopping).
    private func publishStage(_ stored: AsyncChannel<StoredBatchReceipt>) async -> Bool {
        for await batch in stored {
            guard await publishAndCommit(batch.receipt, outcome: batch.outcome, storedAt: batch.storedAt) else { return false }
        }
        return true
    }

    /// nil when it gave up because the processor is stopping (nothing of it is committed).
    private func store(_ events: [ConsumedEvent]) async -> RefusalIsolatingStore.Outcome? {
        var outcome = RefusalIsolatingStore.Outcome(stored: .empty, refused: [])
        guard !events.isEmpty else { return outcome }
        let done = await loop.retrying("store a batch") {
            do {
                outcome = try await self.store.store(events)
                self.storeHealth.succeeded()
            } catch {
                self.storeHealth.failed()
                throw error
            }
        }
        return done ? outcome : nil
    }

    /// The batch's events, and the records that are not valid events.
    private static func decode(_ records: [KafkaConsumerMessage]) -> (events: [ConsumedEvent], poison: [PoisonRecord]) {
        var events: [ConsumedEvent] = []
        var poison: [PoisonRecord] = []
        events.reserveCapacity(records.count)
        for record in records {
            switch ConsumedEvent.decode(record) {
            case .success(let event): events.append(event)
            case .failure(let record): poison.append(record)
            }
        }
        return (events, poison)
    }

    /// Steps 3 and 4, after the refused events are on the invalid topic; gives up without
    /// committing (false) only when the processor is stopping.
    private func publishAndCommit(_ receipt: BatchReceipt, outcome: RefusalIsolatingStore.Outcome, storedAt committedAt: Date) async -> Bool {
        let stored = outcome.stored
        if !outcome.refused.isEmpty {
            let refused = outcome.refused.map(PoisonRecord.init(refused:))
            guard await loop.retrying("record refused events", { try await self.recordPoison(refused) }) else { return false }
            ProcessorMetrics.storeRefusals.increment(by: Int64(refused.count))
        }
        guard await loop.retrying("publish player states", { try await self.publishPlayers(stored.players) }) else { return false }
        await live.publish(stored.deltas, storedAt: committedAt)

        do {
            try await loop.commit(next: receipt.nextOffsets)
            lag.committed(receipt.nextOffsets)
        } catch {
            // Everything is written; a redelivery of these records changes nothing.
            logger.warning("offsets not committed", metadata: ["error": "\(error)"])
        }

        ProcessorMetrics.eventsStored.increment(by: Int64(stored.newEvents))
        ProcessorMetrics.eventsAlreadyStored.increment(by: Int64(receipt.events - stored.newEvents - outcome.refused.count))
        ProcessorMetrics.batchSize.record(receipt.records)
        ProcessorMetrics.batchDuration.recordInterval(since: receipt.start)
        for ingestedAt in receipt.ingestedAt {
            ProcessorMetrics.endToEndLatency.recordNanoseconds(Int64(max(0, committedAt.timeIntervalSince(ingestedAt)) * 1e9))
        }
        return true
    }

    private func recordPoison(_ poison: [PoisonRecord]) async throws {
        let now = Date()
        let messages = poison.map { record in
            // The shared record bounds the payload, the tenant (its key) and the errors, so it
            // always fits under Kafka's message limit however large the poison record was.
            let invalid = record.invalidEventRecord(receivedAt: now)
            return KafkaProducerMessage(topic: settings.invalidTopic, key: Array(invalid.tenantID.utf8), value: invalid.jsonBytes())
        }
        for result in await producer.send(messages) {
            if case .failure(let error) = result { throw error }
        }
        for record in poison {
            logger.warning(
                "poison record sent to the invalid topic",
                metadata: [
                    "partition": "\(record.partition)", "offset": "\(record.offset)", "errors": "\(record.errors)",
                ])
        }
        ProcessorMetrics.poisonRecords.increment(by: Int64(poison.count))
    }

    /// Under the store's time limit: the erasure check holds a database connection, which a
    /// restart of the database could otherwise leave waiting for good.
    private func publishPlayers(_ players: [PlayerSnapshot]) async throws {
        try await withTimeout(settings.storeTimeout) { [store, producer, settings] in
            try await store.underlying.publish(players) { players in
                guard !players.isEmpty else { return }
                let messages = players.map { KafkaProducerMessage(topic: settings.processedTopic, key: $0.key, value: $0.jsonBytes()) }
                for result in await producer.send(messages) {
                    if case .failure(let error) = result { throw error }
                }
            }
        }
    }
}
