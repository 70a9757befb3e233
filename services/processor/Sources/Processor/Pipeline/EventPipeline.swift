import Foundation
import GameMetricsKafka
import GameMetricsKit
import GameMetricsService
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// The consumer group on the raw topic. Per batch:
/// 1. poison records go to the invalid topic (acknowledged);
/// 2. the events and their aggregates are written in one transaction (`EventStore`);
/// 3. the batch's players are published to the compacted processed topic (acknowledged), and
///    the live deltas to Redis (best effort);
/// 4. only then are the offsets committed.
/// The steps overlap across batches: the next batch is decoded (step 1) while this one is
/// stored, and stored (step 2) while this one is published and committed, so the database is
/// not idle while the processor decodes or Kafka acknowledges. Stores run one at a time, and a
/// batch's step 3 starts only after the previous batch's step 4, so player states and offsets
/// still go out in batch order.
/// A failing step is retried with backoff, never skipped, so a batch is handled completely or
/// (after a crash) again; the store makes the repetition change nothing. Events the database
/// refuses because of their data are isolated (``RefusalIsolatingStore``) and go to the invalid
/// topic with its error before the offsets move on; any other store failure is retried and
/// counted by ``StoreHealth``, which makes the processor not ready while it lasts.
final class EventPipeline: Service, Sendable {
    private let consumer: KafkaConsumer
    private let store: RefusalIsolatingStore
    private let storeHealth: StoreHealth
    private let schema: SchemaPreparation
    private let producer: KafkaProducer
    private let live: LivePublisher
    private let lag: ConsumerLag
    private let settings: ProcessorSettings
    private let logger: Logger
    private let loop: ConsumerLoop
    /// Steps 2 to 4 of the latest batch: its store (nil when it gave up) and its publication
    /// and commit (false when they did not happen).
    private let inFlight = Mutex<InFlightBatch?>(nil)

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

    private struct InFlightBatch {
        var storing: Task<RefusalIsolatingStore.Outcome?, Never>
        var publishing: Task<Bool, Never>
    }

    init(
        consumer: KafkaConsumer, store: any EventStore, storeHealth: StoreHealth, schema: SchemaPreparation, producer: KafkaProducer, live: LivePublisher,
        lag: ConsumerLag, settings: ProcessorSettings, logger: Logger
    ) {
        self.consumer = consumer
        self.store = RefusalIsolatingStore(underlying: store, attemptTimeout: settings.storeTimeout)
        self.storeHealth = storeHealth
        self.schema = schema
        self.producer = producer
        self.live = live
        self.lag = lag
        self.settings = settings
        self.logger = logger
        self.loop = ConsumerLoop(consumer: consumer, retryDelay: settings.retryDelay, logger: logger) { ProcessorMetrics.retries.increment() }
    }

    func run() async throws {
        try await loop.run(
            prepare: { try await self.schema.prepare() }, handle: { await self.handle($0) },
            flush: { _ = await self.inFlight.withLock { $0 }?.publishing.value })
    }

    /// false when it gave up because the processor is stopping (nothing was committed).
    private func handle(_ records: [KafkaConsumerMessage]) async -> Bool {
        let start = ContinuousClock.now
        let (events, poison) = Self.decode(records)
        if !poison.isEmpty {
            guard await loop.retrying("record poison records", { try await self.recordPoison(poison) }) else { return false }
        }
        // One store at a time; this batch was decoded while the previous one was being stored.
        let previous = inFlight.withLock { $0 }
        _ = await previous?.storing.value
        let storing = Task<RefusalIsolatingStore.Outcome?, Never> {
            var outcome = RefusalIsolatingStore.Outcome(stored: .empty, refused: [])
            guard !events.isEmpty else { return outcome }
            let done = await self.loop.retrying("store a batch") {
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
        // What publishing and committing need, so the records and events are freed once stored.
        let receipt = BatchReceipt(records, events: events, start: start)
        let publishing = Task<Bool, Never> {
            guard let outcome = await storing.value else { return false }
            let storedAt = Date()
            // A batch whose predecessor was not committed must not be committed either.
            if let previous, !(await previous.publishing.value) { return false }
            return await self.publishAndCommit(receipt, outcome: outcome, storedAt: storedAt)
        }
        inFlight.withLock { $0 = InFlightBatch(storing: storing, publishing: publishing) }
        return true
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
            try await consumer.commit(next: receipt.nextOffsets)
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
            logger.warning("poison record sent to the invalid topic", metadata: [
                "partition": "\(record.partition)", "offset": "\(record.offset)", "errors": "\(record.errors)",
            ])
        }
        ProcessorMetrics.poisonRecords.increment(by: Int64(poison.count))
    }

    /// Under the store's deadline: the erasure check holds a database connection, which a
    /// restart of the database could otherwise leave waiting for good.
    private func publishPlayers(_ players: [PlayerSnapshot]) async throws {
        try await withDeadline(settings.storeTimeout) { [store, producer, settings] in
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
