import Foundation
import GameMetricsKit
import GameMetricsTesting
import Kafka
import PostgresNIO
import Testing

@testable import Processor

/// An erased player stays erased: events ingested before the erasure completed are never stored
/// or published again, however late they are consumed; events ingested afterwards are a new
/// relationship.
@Suite("erased players stay erased")
struct ErasedPlayerTests {
    @Test("a player with events in flight on the raw topic when the erasure is requested has no rows and no live state after the backlog and after a consumer-group reset; a later event is stored")
    func inFlightEventsOfAnErasedPlayerAreNotStored() async throws {
        let corpus = EventCorpus(uniqueEvents: 600, duplicateShare: 0, players: 6, seed: 23)
        let erased = corpus.unique[0]
        let erasedEvents = corpus.unique.filter { $0.tenantID == erased.tenantID && $0.playerID == erased.playerID }
        let key = erased.partitionKeyBytes()

        try await ProcessorFixture.run { fixture in
            // The backlog first, the request after it: the player's events are in flight.
            try await fixture.produce(EventCorpus.records(corpus.unique, topic: fixture.rawTopic))
            let inFlight = try await KafkaTopicReader.read(fixture.rawTopic, count: corpus.unique.count, idle: .seconds(10))
                .filter { $0.key == key }.count
            try #require(inFlight > 0, "the erased player's events must be in the topic, or the test proves nothing")
            try await Task.sleep(for: .milliseconds(20))
            let request = ErasureRequested(
                requestID: UUID(), tenantID: erased.tenantID, playerID: erased.playerID, requestedAt: Date(), requestedBy: "test")
            try await fixture.produce([
                KafkaProducerMessage(
                    topic: fixture.erasureTopic, key: ErasureMessage.requested(request).key, value: try ErasureMessage.requested(request).encoded())
            ])

            let others = corpus.unique.count - erasedEvents.count
            try await fixture.withProcessor { _ in
                try await fixture.waitForErasureCompleted(request.requestID)
                try await fixture.waitForStoredEvents(others)
            }
            try await fixture.expectNothingLeft(of: erased, in: "after the backlog")

            // A reset to the beginning replays every record, the erased player's included.
            let internalPort = try PlatformContract.freeLoopbackPort()
            try await fixture.withProcessor(environment: ["GM_PROCESSOR_GROUP": "\(fixture.group)-reset", "GM_INTERNAL_HTTP_PORT": String(internalPort)]) { _ in
                try await fixture.waitForZeroLag(internalPort: internalPort)
            }
            try await fixture.expectNothingLeft(of: erased, in: "after a consumer-group reset")
            #expect(try await fixture.query("SELECT count(*)::bigint FROM events_raw", as: Int64.self) == [Int64(others)])

            // Ingested after the erasure: a new relationship.
            let comeback = PlayerEvent(
                eventID: UUID(), tenantID: erased.tenantID, playerID: erased.playerID, type: .levelUp, occurredAt: Date(), gameID: "slots-1")
            try await fixture.produce(EventCorpus.records([comeback], topic: fixture.rawTopic))
            try await fixture.withProcessor { _ in
                try await fixture.waitForRow("SELECT count(*)::bigint FROM events_raw WHERE event_id = \(comeback.eventID)")
            }
            let state = try await fixture.query(
                "SELECT events FROM player_state WHERE tenant_id = \(erased.tenantID) AND player_id = \(erased.playerID)", as: Int64.self)
            #expect(state == [1], "only the event ingested after the erasure")
        }
    }
}

extension ProcessorFixture {
    func waitForErasureCompleted(_ requestID: UUID) async throws {
        let messages = try await KafkaTopicReader.read(erasureTopic, count: 2, idle: .seconds(60))
        let completed = messages.compactMap { try? ErasureMessage.decode($0.value) }.contains { message in
            if case .completed(let completion) = message { return completion.requestID == requestID }
            return false
        }
        try #require(completed, "the processor did not complete the erasure")
    }

    /// No row of the player in any processor table, and its key on the processed topic ends
    /// with a tombstone (or never appeared).
    func expectNothingLeft(of player: PlayerEvent, in stage: String) async throws {
        for table in ["events_raw", "player_activity", "player_state"] {
            let rows = try await query(
                "SELECT count(*)::bigint FROM \(unescaped: table) WHERE tenant_id = \(player.tenantID) AND player_id = \(player.playerID)",
                as: Int64.self)
            #expect(rows == [0], "\(stage): \(table) still holds the erased player")
        }
        let processed = try await KafkaTopicReader.read(processedTopic, count: .max, idle: .seconds(5))
        let last = processed.last { $0.key == player.partitionKeyBytes() }
        #expect(last == nil || last?.isTombstone == true, "\(stage): the erased player's state was published after its tombstone")
    }
}
