import Foundation
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import Kafka
import Testing

@testable import Processor

@Suite("processor building blocks")
struct ProcessorUnitTests {
    @Test("COPY text rows escape backslashes, tabs and line breaks and write NULL as \\N")
    func copyRowsEscape() {
        var rows = CopyTextRows(capacity: 64)
        rows.append("a\tb\\c\nd\re")
        rows.append(nil as String?)
        rows.append(42 as Int64?)
        rows.endRow()
        #expect(String(buffer: rows.buffer) == "a\\tb\\\\c\\nd\\re\t\\N\t42\n")
    }

    @Test("COPY text rows write bytea in hex form with the backslash escaped")
    func copyRowsBytea() {
        var rows = CopyTextRows(capacity: 16)
        rows.appendBytea([0x00, 0x1f, 0xab, 0xff])
        rows.endRow()
        #expect(String(buffer: rows.buffer) == "\\\\x001fabff\n")
    }

    @Test("an erased subject is a keyed hash that tells tenant and player apart and depends on the key")
    func erasedSubjects() throws {
        let subjects = try ErasedSubjects(key: Array(repeating: 7, count: 32))
        let subject = subjects.subject(tenantID: "tenant-a", playerID: "p-1")
        #expect(subject.count == 32)
        #expect(subject == subjects.subject(tenantID: "tenant-a", playerID: "p-1"))
        #expect(subjects.subject(tenantID: "tenant-a:p", playerID: "1") != subjects.subject(tenantID: "tenant-a", playerID: "p:1"))
        #expect(try ErasedSubjects(key: Array(repeating: 8, count: 32)).subject(tenantID: "tenant-a", playerID: "p-1") != subject)
        #expect(throws: ConfigurationError.self) { try ErasedSubjects(key: Array(repeating: 7, count: 31)) }
    }

    @Test("halves of an isolated batch merge: counts and deltas add up, a player in both is as the later half left it")
    func storedBatchesMerge() {
        func player(_ id: String, events: Int64) -> PlayerSnapshot {
            PlayerSnapshot(
                tenantID: "t", playerID: id, firstSeenAt: Date(timeIntervalSince1970: 0), lastSeenAt: Date(timeIntervalSince1970: 0),
                lastEventType: "level_up", lastGameID: nil, events: events, sessions: 0, rounds: 0)
        }
        let minute = Date(timeIntervalSince1970: 60)
        let first = StoredBatch(
            newEvents: 2, deltas: [LiveDelta(tenantID: "t", minute: minute, eventType: "level_up", currency: "", events: 2, amountMinor: "0")],
            players: [player("a", events: 1), player("b", events: 1)])
        let second = StoredBatch(
            newEvents: 1, deltas: [LiveDelta(tenantID: "t", minute: minute, eventType: "level_up", currency: "", events: 1, amountMinor: "0")],
            players: [player("b", events: 2)])
        let merged = first.followed(by: second)
        #expect(merged.newEvents == 3)
        #expect(merged.deltas.map(\.events) == [3])
        #expect(merged.players == [player("a", events: 1), player("b", events: 2)])
    }

    @Test("a record decodes to its event with the session duration and the ingestion time")
    func recordDecodes() throws {
        let event = PlayerEvent(
            eventID: UUID(), tenantID: "tenant-a", playerID: "p-1", type: .sessionEnd,
            occurredAt: Date(timeIntervalSince1970: 1_700_000_000), properties: EventProperties(["duration_ms": .number("90000")]))
        let record = KafkaConsumerMessage(
            topic: "raw", partition: 3, offset: 17, key: event.partitionKeyBytes(), value: event.jsonBytes(),
            headers: [KafkaHeader(key: "gm-ingested-at-ms", string: "1700000001000")], timestamp: nil)
        let decoded = try ConsumedEvent.decode(record).get()
        #expect(decoded.event == event)
        #expect(decoded.sessionDurationMs == 90_000)
        #expect(decoded.ingestedAt == Date(timeIntervalSince1970: 1_700_000_001))
        #expect(decoded.partition == 3 && decoded.offset == 17)
    }

    @Test("records that are not JSON, break the envelope or carry another player's key are poison with reasons")
    func poisonIsRecognised() {
        func reasons(_ value: String, key: String = "tenant-a:p-1") -> [String] {
            let record = KafkaConsumerMessage(topic: "raw", partition: 0, offset: 0, key: Array(key.utf8), value: Array(value.utf8), headers: [], timestamp: nil)
            guard case .failure(let poison) = ConsumedEvent.decode(record) else { return [] }
            #expect(poison.tenantID == "tenant-a")
            return poison.errors.map { $0.reason }
        }
        #expect(reasons("{") == ["invalid_json"])
        #expect(reasons(#"{"event_id":"x"}"#).contains("invalid_uuid"))
        let event = PlayerEvent(eventID: UUID(), tenantID: "tenant-a", playerID: "p-1", type: .pageView, occurredAt: Date())
        #expect(reasons(String(decoding: event.jsonBytes(), as: UTF8.self), key: "tenant-a:p-2") == ["key_mismatch"])
    }

    @Test("a non-integer or negative session duration is stored as unknown rather than refused")
    func oddSessionDurations() throws {
        for duration in ["-5", "1.5", "\"long\""] {
            let event = PlayerEvent(
                eventID: UUID(), tenantID: "t", playerID: "p", type: .sessionEnd, occurredAt: Date(),
                properties: try EventProperties(json: Array(#"{"duration_ms":\#(duration)}"#.utf8)))
            let record = KafkaConsumerMessage(topic: "raw", partition: 0, offset: 0, key: event.partitionKeyBytes(), value: event.jsonBytes(), headers: [], timestamp: nil)
            #expect(try ConsumedEvent.decode(record).get().sessionDurationMs == nil)
        }
    }

    @Test("a player snapshot and a live delta are JSON with the documented fields")
    func publishedJSON() throws {
        let snapshot = PlayerSnapshot(
            tenantID: "t", playerID: "p", firstSeenAt: Date(timeIntervalSince1970: 0), lastSeenAt: Date(timeIntervalSince1970: 60),
            lastEventType: "bet_placed", lastGameID: nil, events: 3, sessions: 1, rounds: 0)
        #expect(String(decoding: snapshot.jsonBytes(), as: UTF8.self) == #"{"tenant_id":"t","player_id":"p","first_seen_at":"1970-01-01T00:00:00.000000Z","last_seen_at":"1970-01-01T00:01:00.000000Z","last_event_type":"bet_placed","last_game_id":null,"events":3,"sessions":1,"rounds":0}"#)
        let message = LivePublisher.message(
            tenant: "t",
            deltas: [
                LiveDelta(tenantID: "t", minute: Date(timeIntervalSince1970: 60), eventType: "deposit", currency: "EUR", events: 2, amountMinor: "99999999999999999999")
            ], storedAt: Date(timeIntervalSince1970: 61))
        #expect(message == #"{"tenant_id":"t","stored_at":"1970-01-01T00:01:01.000000Z","deltas":[{"minute":"1970-01-01T00:01:00.000000Z","event_type":"deposit","currency":"EUR","events":2,"amount_minor":99999999999999999999}]}"#)
    }

    @Test("a batch splits into lanes by Kafka partition, so each player's events stay in one lane")
    func lanesFollowPartitions() throws {
        let events = try (0..<40).map { index in
            let event = PlayerEvent(
                eventID: UUID(), tenantID: "tenant-a", playerID: "p-\(index % 8)", type: .pageView, occurredAt: Date(timeIntervalSince1970: 1_700_000_000))
            let record = KafkaConsumerMessage(
                topic: "raw", partition: Int32(index % 8), offset: Int64(index), key: event.partitionKeyBytes(), value: event.jsonBytes(),
                headers: [], timestamp: nil)
            return try ConsumedEvent.decode(record).get()
        }
        let lanes = PostgresEventStore.split(events, lanes: 3)
        #expect(lanes.map { $0.count }.reduce(0, +) == events.count)
        #expect(lanes.count == 3)
        for (index, lane) in lanes.enumerated() {
            #expect(lane.allSatisfy { Int($0.partition) % 3 == index })
        }
        #expect(PostgresEventStore.split(events, lanes: 1).first?.count == events.count)
        #expect(PostgresEventStore.split(Array(events.filter { $0.partition == 4 }), lanes: 3).count == 1, "empty lanes are dropped")
    }

    @Test("live deltas of the same tenant, minute, type and currency from different lanes merge into one, amounts summed exactly")
    func deltasMerge() {
        let minute = Date(timeIntervalSince1970: 1_700_000_040)
        let merged = LiveDelta.merged([
            LiveDelta(tenantID: "t", minute: minute, eventType: "bet_placed", currency: "EUR", events: 2, amountMinor: "9223372036854775807"),
            LiveDelta(tenantID: "t", minute: minute, eventType: "deposit", currency: "EUR", events: 1, amountMinor: "5"),
            LiveDelta(tenantID: "t", minute: minute, eventType: "bet_placed", currency: "EUR", events: 3, amountMinor: "10"),
        ])
        #expect(
            merged == [
                LiveDelta(tenantID: "t", minute: minute, eventType: "bet_placed", currency: "EUR", events: 5, amountMinor: "9223372036854775817"),
                LiveDelta(tenantID: "t", minute: minute, eventType: "deposit", currency: "EUR", events: 1, amountMinor: "5"),
            ])
    }

    @Test("an attempt answers within its time limit, and one past it is cancelled and ends with TimeoutExceeded")
    func timeLimits() async throws {
        #expect(try await withTimeout(.seconds(10)) { 42 } == 42)
        let started = ContinuousClock.now
        await #expect(throws: TimeoutExceeded.self) {
            // Ends when cancelled, as a store does by closing its connection.
            try await withTimeout(.milliseconds(200)) {
                try await Task.sleep(for: .seconds(30)); return 0
            }
        }
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test("daily partitions are named and bounded by UTC day")
    func partitionDays() {
        let day = DailyPartitions.day(Date(timeIntervalSince1970: 1_767_225_599), offset: 1)  // 2025-12-31T23:59:59Z
        #expect(day.compact == "20260101")
        #expect(day.start == "2026-01-01T00:00:00Z")
        #expect(day.end == "2026-01-02T00:00:00Z")
    }
}
