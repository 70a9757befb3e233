import Foundation
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPostgres
import Kafka
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// One service's part in GDPR erasure (ADR 0009, ADR 0014), the same for every participant. It
/// consumes `privacy.erasure` as group `<name>-erasure` and, for each `erasure.requested`:
///
/// 1. in one PostgreSQL transaction: claims the request in the participant's ledger
///    (`erasure_ledger_<name>`), records the erased subject (``ErasedSubjects``, for a participant
///    that stores player events, which then never stores or publishes the player's in-flight
///    events) and runs the participant's `erase` function;
/// 2. writes a tombstone under the player's key (``PlayerKey``) on each of `tombstoneTopics`
///    (compacted topics of player state): once the completion is out, nothing may remain;
/// 3. publishes `erasure.completed` for the participant and marks it completed in the ledger.
///
/// Offsets are committed only after that (`ConsumerLoop`), so a request whose erase or whose
/// completion fails is retried with backoff and never skipped, and comes back after a restart. A
/// redelivered request erases nothing more and publishes no second completion (the ledger); only
/// a crash between Kafka's acknowledgement of the completion and the ledger's update repeats it,
/// which the coordinator records as a duplicate. A record that does not decode, or whose content
/// the database refuses, is dead-lettered to `privacy.erasure.dlq` with its reason and committed.
///
/// A new participant supplies its name (``ErasureParticipantName``, which also puts it on the
/// coordinator's list) and its erase function, adds ``migrationStatements(for:)`` to its
/// migrations and its ledger table to db/roles.sql. The coordinator (the user service) also passes
/// `completions`, which receives every participant's `erasure.completed`; other participants
/// pass over completions.
public final class ErasureParticipant: Service, Sendable {
    /// Deletes what the participant holds about the request's player, inside the transaction
    /// of `transaction` (a participant whose data is elsewhere ignores it and must be idempotent
    /// itself); returns the count deleted per store (informational, e.g. `["players": 1]`).
    public typealias Erase = @Sendable (_ request: ErasureRequested, _ transaction: PostgresConnection) async throws -> [String: Int]
    /// Receives `erasure.completed` records (the coordinator's part); throwing retries the record.
    public typealias Completions = @Sendable (_ completion: ErasureCompleted, _ trace: TraceParent?) async throws -> Void

    public let name: ErasureParticipantName
    public let groupID: String
    private let producer: KafkaProducer
    private let ledger: ErasureLedger
    private let subjects: ErasedSubjects?
    private let tombstoneTopics: [String]
    private let topic: String
    private let prepare: @Sendable () async throws -> Void
    private let completions: Completions?
    private let erase: Erase
    private let deadLetters: DeadLetterQueue
    private let logger: Logger
    private let loop: ConsumerLoop
    /// Whether the participant's consumer gets its batches done, for readiness (``ConsumerProgress``):
    /// check `erasure-consumer`, failing while a batch has not been done for `stallAfter`.
    public var progress: ConsumerProgress { loop.progress }
    private let erased: Counter
    private let redelivered: Counter

    /// `<name>-erasure`.
    public static func groupID(for name: ErasureParticipantName) -> String { "\(name.rawValue)-erasure" }

    /// What a participant does with Kafka: consumes `topic` as `groupID`, writes its completions
    /// there, tombstones on `tombstoneTopics` and dead letters to `<topic>.dlq`. The service adds
    /// it to its own ``KafkaAccess``; the participant refuses a producer that may not write it.
    public static func kafkaAccess(topic: String = ErasureMessage.topic, groupID: String, tombstoneTopics: [String] = []) -> KafkaAccess {
        KafkaAccess(
            produces: Set([topic, topic + DeadLetterQueue.suffix] + tombstoneTopics),
            consumes: [KafkaAccess.Consumption(topic: topic, group: groupID)])
    }

    /// This participant's ``kafkaAccess(topic:groupID:tombstoneTopics:)``, from what it was built with.
    public var kafkaAccess: KafkaAccess {
        KafkaAccess(
            produces: Set([topic, deadLetters.topic(for: topic)] + tombstoneTopics),
            consumes: [KafkaAccess.Consumption(topic: topic, group: groupID)])
    }

    /// The participant's ledger table, for its migrations (and its grant in db/roles.sql).
    public static func migrationStatements(for name: ErasureParticipantName) -> [String] {
        ErasureLedger.migrationStatements(for: name)
    }

    /// Creates the participant's consumer from `GM_KAFKA_*` (group `groupID`, default
    /// `<name>-erasure`, on `topic`, from the earliest record when the group is new).
    /// - Parameters:
    ///   - subjects: the record of erased players, for a participant that stores player events.
    ///   - tombstoneTopics: compacted topics keyed by player on which the player's key gets a tombstone.
    ///   - prepare: retried until it succeeds before the first record (e.g. the participant's migrations).
    public convenience init(
        name: ErasureParticipantName, environment: EnvironmentReader, producer: KafkaProducer, postgres: PostgresClient,
        subjects: ErasedSubjects? = nil, tombstoneTopics: [String] = [], topic: String = ErasureMessage.topic, groupID: String? = nil,
        retryDelay: Duration = .milliseconds(500), stallAfter: Duration = .seconds(120), prepare: @escaping @Sendable () async throws -> Void = {},
        completions: Completions? = nil, logger: Logger, erase: @escaping Erase
    ) throws {
        let group = groupID ?? Self.groupID(for: name)
        var configuration = try KafkaConsumerConfiguration(environment: environment, groupID: group, topics: [topic], clientID: group)
        configuration.offsetReset = .earliest
        self.init(
            name: name, consumer: try KafkaConsumer(configuration: configuration, logger: logger), groupID: group, producer: producer,
            postgres: postgres, subjects: subjects, tombstoneTopics: tombstoneTopics, topic: topic, retryDelay: retryDelay,
            stallAfter: stallAfter, prepare: prepare, completions: completions, logger: logger, erase: erase)
        // What it writes must be what the service declared (and its KafkaUser may write).
        if let refused = kafkaAccess.produces.sorted().first(where: { !producer.permits($0) }) {
            throw ConfigurationError(
                variable: "KafkaAccess",
                problem: "of the service lacks \(refused), which its erasure participant writes: add ErasureParticipant.kafkaAccess to it")
        }
    }

    /// With a consumer of the caller's (subscribed to `topic` as group `groupID`).
    public init(
        name: ErasureParticipantName, consumer: KafkaConsumer, groupID: String, producer: KafkaProducer, postgres: PostgresClient,
        subjects: ErasedSubjects? = nil, tombstoneTopics: [String] = [], topic: String = ErasureMessage.topic,
        retryDelay: Duration = .milliseconds(500), stallAfter: Duration = .seconds(120), prepare: @escaping @Sendable () async throws -> Void = {},
        completions: Completions? = nil, logger: Logger, erase: @escaping Erase
    ) {
        self.name = name
        self.groupID = groupID
        self.producer = producer
        self.ledger = ErasureLedger(client: postgres, table: ErasureLedger.table(for: name), logger: logger)
        self.subjects = subjects
        self.tombstoneTopics = tombstoneTopics
        self.topic = topic
        self.prepare = prepare
        self.completions = completions
        self.erase = erase
        self.deadLetters = DeadLetterQueue(producer: producer, group: groupID)
        self.logger = logger
        let retries = Counter(label: "gm_erasure_retries_total", dimensions: [("participant", name.rawValue)])
        erased = Counter(label: "gm_erasure_requests_total", dimensions: [("participant", name.rawValue), ("outcome", "erased")])
        redelivered = Counter(label: "gm_erasure_requests_total", dimensions: [("participant", name.rawValue), ("outcome", "redelivered")])
        // 0.5, 1, 2, 4, 8, then every 10 s by default.
        loop = ConsumerLoop(
            consumer: consumer, name: "erasure-consumer", stallAfter: stallAfter, retryDelay: retryDelay,
            maxRetryDelay: retryDelay * 20, logger: logger
        ) { retries.increment() }
    }

    public func run() async throws {
        let takesCompletions = completions != nil
        try await loop.runRecordByRecord(
            prepare: prepare, deadLetters: deadLetters,
            decode: { record in
                switch try record.erasureMessage() {
                case .requested(let request)?: .requested(request)
                case .completed(let completion)? where takesCompletions: .completed(completion)
                // Other participants' completions are the coordinator's to record.
                default: nil
                }
            },
            handle: { message, record in
                await self.loop.handling("handle the erasure record at \(record.topicPartition)@\(record.offset)") {
                    try await self.handle(message, trace: record.traceParent)
                }
            })
    }

    private func handle(_ message: ErasureMessage, trace: TraceParent?) async throws {
        switch message {
        case .requested(let request): try await participate(in: request, trace: trace)
        case .completed(let completion): try await completions?(completion, trace)
        }
    }

    private func participate(in request: ErasureRequested, trace: TraceParent?) async throws {
        let metadata: Logger.Metadata = [
            "request_id": "\(request.requestID.uuidString.lowercased())", "tenant_id": "\(request.tenantID)", "participant": "\(name.rawValue)",
        ]
        let entry = try await ledger.eraseOnce(request.requestID) { [subjects, erase, logger] connection in
            // First: waits for the stores and publications in flight, which then see the record.
            try await subjects?.record(tenantID: request.tenantID, playerID: request.playerID, on: connection, logger: logger)
            return try await erase(request, connection)
        }
        guard !entry.completed else {
            redelivered.increment()
            logger.info("erasure request delivered again; already erased and completed", metadata: metadata)
            return
        }
        let key = PlayerKey.bytes(tenantID: request.tenantID, playerID: request.playerID)
        let headers = [KafkaHeader(key: TraceParent.headerName, string: (trace?.child() ?? TraceParent.newRoot()).description)]
        for stateTopic in tombstoneTopics {
            try await producer.send(.tombstone(topic: stateTopic, key: key, headers: headers))
        }
        let completion = ErasureMessage.completed(
            ErasureCompleted(
                requestID: request.requestID, tenantID: request.tenantID, playerID: request.playerID, service: name.rawValue,
                status: .completed, completedAt: entry.erasedAt, deleted: entry.deleted))
        try await producer.send(KafkaProducerMessage(topic: topic, key: key, value: try completion.encoded(), headers: headers))
        try await ledger.markCompleted(request.requestID)
        erased.increment()
        logger.info("player data erased", metadata: metadata.merging(["deleted": "\(entry.deleted)"]) { $1 })
    }
}
