import Foundation
import GameMetricsErasure
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import GameMetricsTesting
import Kafka
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

/// The shared GDPR erasure participant against devkafka and PostgreSQL: a participant that
/// stores player rows (as the processor stores events) erases through `ErasureParticipant`.
@Suite("the shared erasure participant erases durably, publishes one completion per request and dead-letters what it cannot read")
struct ErasureParticipantTests {
    @Test("an erase that fails is retried, publishes nothing and commits nothing; after a restart the request comes back and is erased once")
    func failingEraseIsRetriedAndNotCommitted() async throws {
        try await ParticipantFixture.run { fixture in
            try await fixture.insertRows(player: "p-fail", count: 3)
            let request = fixture.request(player: "p-fail")
            try await fixture.publish(.requested(request))

            let failures = Calls()
            try await withRunningServices([
                try fixture.participant { _, _ in
                    failures.add()
                    throw StoreDown()
                }
            ]) {
                try await eventually { failures.count >= 3 }
            }
            #expect(try await fixture.completions(of: request.requestID, settle: .seconds(2)).isEmpty, "nothing completed while the erase fails")
            #expect(try await fixture.rows(player: "p-fail") == 3)
            #expect(try await fixture.isRecordedErased(player: "p-fail") == false, "the erased-subject record went with the failed transaction")

            // The same group again: the request was not committed, so it is delivered again.
            let erases = Calls()
            try await fixture.runUntilCompleted(request.requestID, erases: erases)
            #expect(erases.count == 1)
            #expect(try await fixture.rows(player: "p-fail") == 0)
            #expect(try await fixture.isRecordedErased(player: "p-fail"), "the participant stores events: its erasure is in erased_subjects")
            let completion = try #require(try await fixture.completions(of: request.requestID).first)
            #expect(completion.service == ErasureParticipantName.processor.rawValue)
            #expect(completion.status == .completed)
            #expect(completion.deleted == ["player_rows": 3])
            // The player's compacted state ends with a tombstone under the one player key.
            let state = try await KafkaTopicReader.read(fixture.stateTopic, count: 1, idle: .seconds(10))
            #expect(state.count == 1)
            #expect(state.first?.isTombstone == true)
            #expect(state.first?.key == PlayerKey.bytes(tenantID: "tenant-a", playerID: "p-fail"))
        }
    }

    @Test("a malformed request goes to <topic>.dlq with its reason and does not block the request behind it")
    func malformedRequestIsDeadLettered() async throws {
        try await ParticipantFixture.run { fixture in
            try await fixture.insertRows(player: "p-next", count: 1)
            let key = PlayerKey.bytes(tenantID: "tenant-a", playerID: "p-next")
            let poison: [(value: String, reason: String)] = [
                ("not json", "JSON"),
                (#"{"type":"erasure.requested","version":1,"tenant_id":"tenant-a"}"#, "request_id"),
            ]
            for record in poison {
                try await fixture.publish(raw: Array(record.value.utf8), key: key)
            }
            let request = fixture.request(player: "p-next")
            try await fixture.publish(.requested(request))

            let erases = Calls()
            try await fixture.runUntilCompleted(request.requestID, erases: erases)
            #expect(erases.count == 1)
            #expect(try await fixture.rows(player: "p-next") == 0)
            let dead = try await KafkaTopicReader.read(fixture.topic + DeadLetterQueue.suffix, count: poison.count * 2 + 1, idle: .seconds(5))
                .distinctDeadLetters
            #expect(dead.count == poison.count)
            for (index, record) in dead.enumerated() where index < poison.count {
                #expect(record.value == Array(poison[index].value.utf8))
                #expect(record.headers.string(for: DeadLetterQueue.groupHeader) == fixture.group)
                let reason = record.headers.string(for: DeadLetterQueue.reasonHeader) ?? ""
                #expect(reason.contains(poison[index].reason), "record \(index): \(reason)")
            }
        }
    }

    @Test("a request delivered again — twice on the topic, then replayed to a new consumer group — is erased and completed once")
    func redeliveredRequestIsCompletedOnce() async throws {
        try await ParticipantFixture.run { fixture in
            try await fixture.insertRows(player: "p-twice", count: 2)
            let request = fixture.request(player: "p-twice")
            try await fixture.publish(.requested(request))
            try await fixture.publish(.requested(request))
            // Requests on the same partition behind the copies mark the point where the copies were handled.
            let marker = fixture.request(player: "p-marker")
            try await fixture.publish(.requested(marker))

            let erases = Calls()
            try await fixture.runUntilCompleted(marker.requestID, erases: erases)
            #expect(erases.count == 2, "the request and the marker erased once each: the second copy not again")

            // A new group starts from the beginning: every request is delivered again.
            let later = fixture.request(player: "p-later")
            try await fixture.publish(.requested(later))
            try await fixture.runUntilCompleted(later.requestID, group: fixture.group + "-replay", erases: erases)
            #expect(erases.count == 3, "only the new request erased; the replayed ones not again")
            #expect(try await fixture.rows(player: "p-twice") == 0)
            #expect(try await fixture.completions(of: request.requestID).count == 1, "one completion of the request delivered three times")
            #expect(try await fixture.completions(of: marker.requestID).count == 1)
        }
    }
}

/// Counts calls from the participant's task.
final class Calls: Sendable {
    private let value = Mutex(0)

    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

struct StoreDown: Error {}

/// A fresh database with a `player_rows` table, the record of erased subjects and the
/// participant's ledger; an erasure topic (and its .dlq), a compacted state topic and a consumer
/// group of the test's own; a running producer.
struct ParticipantFixture: Sendable {
    let topic: String
    let stateTopic: String
    let group: String
    let client: PostgresClient
    let producer: KafkaProducer
    let subjects: ErasedSubjects
    let logger: Logger

    static func run(_ body: @escaping @Sendable (ParticipantFixture) async throws -> Void) async throws {
        let logger = {
            var logger = Logger(label: "erasure-participant-tests")
            logger.logLevel = .warning
            return logger
        }()
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let topic = "test.erasure.\(suffix)"
        let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
        for name in [topic, topic + DeadLetterQueue.suffix, "test.state.\(suffix)"] {
            try await control.createTopic(name, partitions: 3)
        }
        let bootstrap = try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP")
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(environment: EnvironmentReader(["GM_KAFKA_BOOTSTRAP": bootstrap]), clientID: "participant-tests"),
            logger: logger)
        try await TestDatabase.withFresh { url in
            let client = PostgresClient(configuration: try PostgresClient.Configuration(url: URL(string: url)!), backgroundLogger: logger)
            try await withRunningServices([client, producer], logger: logger) {
                _ = try await MigrationRunner(
                    client: client,
                    migrations: [
                        Migration(version: 1, name: "player_rows", statements: ["CREATE TABLE player_rows (tenant_id text NOT NULL, player_id text NOT NULL)"]),
                        Migration(version: 2, name: "erased_subjects", statements: ErasedSubjects.migrationStatements),
                        Migration(version: 3, name: "erasure_ledger", statements: ErasureParticipant.migrationStatements(for: .processor)),
                    ], logger: logger
                ).migrate()
                try await body(
                    ParticipantFixture(
                        topic: topic, stateTopic: "test.state.\(suffix)", group: "test-erasure-\(suffix)", client: client, producer: producer,
                        subjects: try ErasedSubjects(key: Array(repeating: 9, count: 32)), logger: logger))
            }
        }
    }

    /// A participant named `processor` that tombstones the player on the state topic.
    func participant(group: String? = nil, erase: @escaping ErasureParticipant.Erase) throws -> ErasureParticipant {
        try ErasureParticipant(
            name: .processor,
            environment: EnvironmentReader(["GM_KAFKA_BOOTSTRAP": try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP")]),
            producer: producer, postgres: client, subjects: subjects, tombstoneTopics: [stateTopic],
            topic: topic, groupID: group ?? self.group, retryDelay: .milliseconds(100), logger: logger, erase: erase)
    }

    /// Runs a participant (of `group`, default the fixture's) that deletes the player's rows
    /// until `requestID` is completed on the topic; counts its erases in `erases`.
    func runUntilCompleted(_ requestID: UUID, group: String? = nil, erases: Calls) async throws {
        try await withRunningServices([
            try participant(group: group) { request, connection in
                erases.add()
                return try await deleteRows(request, on: connection)
            }
        ]) {
            try await eventually(.seconds(60)) { try await completions(of: requestID, settle: .milliseconds(500)).count == 1 }
        }
    }

    func request(player: String) -> ErasureRequested {
        ErasureRequested(requestID: UUID(), tenantID: "tenant-a", playerID: player, requestedAt: Date(), requestedBy: "test")
    }

    func publish(_ message: ErasureMessage) async throws {
        try await publish(raw: try message.encoded(), key: Array(message.key.utf8))
    }

    /// On partition 0, so records keep the order they were published in.
    func publish(raw value: [UInt8], key: [UInt8]) async throws {
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: key, value: value, partition: 0))
    }

    /// This participant's completions of `requestID` on the topic, read until it is idle for `settle`.
    func completions(of requestID: UUID, settle: Duration = .seconds(3)) async throws -> [ErasureCompleted] {
        try await KafkaTopicReader.read(topic, count: .max, idle: settle, firstRecordTimeout: .seconds(30)).compactMap { record in
            guard case .completed(let completion) = try? ErasureMessage.decode(record.value), completion.requestID == requestID else { return nil }
            return completion
        }
    }

    func insertRows(player: String, count: Int) async throws {
        for _ in 0..<count {
            try await client.query("INSERT INTO player_rows (tenant_id, player_id) VALUES ('tenant-a', \(player))", logger: logger)
        }
    }

    func rows(player: String) async throws -> Int {
        let rows = try await client.query("SELECT count(*)::int FROM player_rows WHERE player_id = \(player)", logger: logger).collect()
        return try rows.first?.decode(Int.self) ?? -1
    }

    func deleteRows(_ request: ErasureRequested, on connection: PostgresConnection) async throws -> [String: Int] {
        let rows = try await connection.query(
            """
            DELETE FROM player_rows WHERE tenant_id = \(request.tenantID) AND player_id = \(request.playerID) RETURNING 1
            """, logger: logger
        ).collect()
        return ["player_rows": rows.count]
    }

    func isRecordedErased(player: String) async throws -> Bool {
        let subject = ByteBuffer(bytes: subjects.subject(tenantID: "tenant-a", playerID: player))
        let rows = try await client.query("SELECT count(*)::int FROM erased_subjects WHERE subject = \(subject)", logger: logger).collect()
        return try rows.first?.decode(Int.self) == 1
    }

}
