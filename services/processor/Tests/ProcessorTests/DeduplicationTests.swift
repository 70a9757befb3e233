import Foundation
import GameMetricsKit
import GameMetricsTesting
import Kafka
import PostgresNIO
import Testing

@testable import Processor

/// One stored event per (tenant, event id), whatever the other fields of a repetition.
@Suite("processor deduplication")
struct DeduplicationTests {
    @Test("an event id sent again with another occurred_at, player and type is stored and counted once, in one batch or across batches")
    func sameEventIDIsStoredOnce() async throws {
        let now = Date()
        let first = PlayerEvent(
            eventID: UUID(), tenantID: "tenant-a", playerID: "p-1", type: .levelUp, occurredAt: now.addingTimeInterval(-2 * 86_400),
            gameID: "slots-1", amount: nil, properties: .empty)
        let sameBatch = PlayerEvent(
            eventID: first.eventID, tenantID: "tenant-a", playerID: "p-2", type: .levelUp, occurredAt: now.addingTimeInterval(-3_600),
            gameID: "slots-1", amount: nil, properties: .empty)
        let laterBatch = PlayerEvent(
            eventID: first.eventID, tenantID: "tenant-a", playerID: "p-1", type: .gameRound, occurredAt: now, gameID: "slots-2")
        let other = PlayerEvent(
            eventID: UUID(), tenantID: "tenant-a", playerID: "p-3", type: .levelUp, occurredAt: now, gameID: "slots-1", amount: nil,
            properties: .empty)
        // The same id in another tenant is another event.
        let otherTenant = PlayerEvent(
            eventID: first.eventID, tenantID: "tenant-b", playerID: "p-1", type: .levelUp, occurredAt: first.occurredAt, gameID: "slots-1")

        try await ProcessorFixture.run { fixture in
            try await fixture.withProcessor { _ in
                try await fixture.produce(EventCorpus.records([first, sameBatch, otherTenant], topic: fixture.rawTopic))
                try await fixture.waitForRow("SELECT count(*)::bigint FROM events_raw WHERE tenant_id = 'tenant-b'")
                try await fixture.produce(EventCorpus.records([laterBatch, other], topic: fixture.rawTopic))
                try await fixture.waitForRow("SELECT count(*)::bigint FROM events_raw WHERE event_id = \(other.eventID)")
            }
            let stored = try await fixture.query(
                "SELECT count(*)::bigint FROM events_raw WHERE tenant_id = 'tenant-a' AND event_id = \(first.eventID)", as: Int64.self)
            #expect(stored == [1])
            let counted = try await fixture.query(
                "SELECT sum(events)::bigint FROM event_metrics WHERE tenant_id = 'tenant-a' AND grain = 'day'", as: Int64.self)
            #expect(counted == [2], "the repeated event and the other one")
            let players = try await fixture.query("SELECT sum(events)::bigint FROM player_state WHERE tenant_id = 'tenant-a'", as: Int64.self)
            #expect(players == [2])
            let otherTenantStored = try await fixture.query(
                "SELECT count(*)::bigint FROM events_raw WHERE tenant_id = 'tenant-b' AND event_id = \(first.eventID)", as: Int64.self)
            #expect(otherTenantStored == [1])
        }
    }
}
