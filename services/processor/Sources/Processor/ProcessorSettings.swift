import GameMetricsErasure
import GameMetricsKit
import GameMetricsService

/// The processor's own configuration (Kafka, PostgreSQL and Redis connections are read by
/// `PlatformClients`). Every variable is in the service README.
struct ProcessorSettings: Sendable {
    /// `GM_PROCESSOR_GROUP`: the consumer group on the raw topic.
    var groupID: String
    /// `GM_PROCESSOR_ERASURE_GROUP`: the consumer group on the erasure topic.
    var erasureGroupID: String
    /// `GM_PROCESSOR_RAW_TOPIC`, `GM_PROCESSOR_PROCESSED_TOPIC`, `GM_PROCESSOR_INVALID_TOPIC`,
    /// `GM_PROCESSOR_ERASURE_TOPIC`.
    var rawTopic: String
    var processedTopic: String
    var invalidTopic: String
    var erasureTopic: String
    /// `GM_PROCESSOR_BATCH_SIZE`: records written per transaction at most.
    var batchSize: Int
    /// `GM_PROCESSOR_STORE_LANES`: transactions (and connections) a batch is split into.
    var storeLanes: Int
    /// `GM_PROCESSOR_PARTITION_DAYS_AHEAD`: daily partitions kept ready beyond today.
    var partitionDaysAhead: Int
    /// `GM_PROCESSOR_LIVE_CHANNEL_PREFIX`: Redis pub/sub channel prefix of the live deltas;
    /// a tenant's channel is the prefix followed by its id.
    var liveChannelPrefix: String
    /// `GM_PROCESSOR_STORE_TIMEOUT_MS`: how long one attempt to store a batch may take before it
    /// is abandoned and tried again (a connection the database dropped mid-COPY can otherwise
    /// leave it waiting for good).
    var storeTimeout: Duration
    /// `GM_PROCESSOR_UNREADY_AFTER_FAILURES`: failed store attempts in a row (for a reason other
    /// than the data) after which the processor reports itself not ready.
    var unreadyAfterFailures: Int
    /// `GM_PROCESSOR_DEDUPE_DAYS`: how long an event id is remembered, so that a repetition is
    /// not stored again. Longer than the raw topic's retention plus the oldest accepted
    /// `occurred_at` (7 + 7 days), so no replay of Kafka can bring one back.
    var dedupeWindow: Duration
    /// `GM_KAFKA_CONSUMER_STALL_MS`: how long a batch may wait, received and not committed,
    /// before its consumer counts as unable to make progress and readiness fails
    /// (``ConsumerProgress``). Longer than a healthy batch ever takes, so that a long store or a
    /// backlog does not flap readiness; an idle consumer waits on nothing and stays ready.
    var consumerStallAfter: Duration
    /// How long a failed write waits before it is tried again (doubling up to 5 s).
    var retryDelay: Duration = .milliseconds(200)

    init(environment: EnvironmentReader) throws {
        groupID = environment.string("GM_PROCESSOR_GROUP", default: "processor")
        erasureGroupID = environment.string("GM_PROCESSOR_ERASURE_GROUP", default: ErasureParticipant.groupID(for: .processor))
        rawTopic = environment.string("GM_PROCESSOR_RAW_TOPIC", default: PlatformTopic.rawEvents)
        processedTopic = environment.string("GM_PROCESSOR_PROCESSED_TOPIC", default: PlatformTopic.processedEvents)
        invalidTopic = environment.string("GM_PROCESSOR_INVALID_TOPIC", default: PlatformTopic.invalidEvents)
        erasureTopic = environment.string("GM_PROCESSOR_ERASURE_TOPIC", default: ErasureMessage.topic)
        batchSize = try environment.int("GM_PROCESSOR_BATCH_SIZE", default: 10_000, in: 1...100_000)
        storeLanes = try environment.int("GM_PROCESSOR_STORE_LANES", default: 2, in: 1...16)
        storeTimeout = .milliseconds(try environment.int("GM_PROCESSOR_STORE_TIMEOUT_MS", default: 60_000, in: 1_000...3_600_000))
        dedupeWindow = .seconds(86_400 * (try environment.int("GM_PROCESSOR_DEDUPE_DAYS", default: 30, in: 15...3_650)))
        consumerStallAfter = .milliseconds(try environment.int("GM_KAFKA_CONSUMER_STALL_MS", default: 120_000, in: 1_000...3_600_000))
        unreadyAfterFailures = try environment.int("GM_PROCESSOR_UNREADY_AFTER_FAILURES", default: 3, in: 1...1_000)
        partitionDaysAhead = try environment.int("GM_PROCESSOR_PARTITION_DAYS_AHEAD", default: 3, in: 1...60)
        liveChannelPrefix = environment.string("GM_PROCESSOR_LIVE_CHANNEL_PREFIX", default: "gm:live:")
    }
}
