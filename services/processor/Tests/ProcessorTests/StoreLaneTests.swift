import Foundation
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import GameMetricsTesting
import Logging
import PostgresNIO
import Testing

@testable import Processor

/// The store's lanes are transactions on separate connections, so that PostgreSQL works on a
/// batch with both cores. Their players never overlap, but the tenant-wide aggregate rows
/// (`event_metrics`, `active_players`) are shared: a lane that updated them holds their row
/// locks until it commits, and the other lane must not be made to wait for that during its
/// storing work (everything before that last step), or the lanes run one after the other.
@Suite("processor store lanes")
struct StoreLaneTests {
    @Test("a lane's storing work does not wait for another lane's uncommitted transaction on the tenant's aggregate rows")
    func lanesDoNotWaitForEachOther() async throws {
        try await TestDatabase.withFresh { url in
            let logger = Logger(label: "store-lanes")
            try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: try #require(URL(string: url))), logger: logger) { client in
                try await MigrationRunner(client: client, migrations: ProcessorMigrations.all, logger: logger, table: ProcessorMigrations.table).migrate()
                let store = PostgresEventStore(
                    client: client, lanes: 2, subjects: try ErasedSubjects(key: Array(repeating: 7, count: 32)), logger: logger)
                // One tenant, one minute, one game and type: every event of both lanes counts
                // towards the same aggregate rows; the players of the lanes differ.
                let minute = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
                func lane(players: Range<Int>, partition: Int32) -> [ConsumedEvent] {
                    players.map { player in
                        ConsumedEvent(
                            event: PlayerEvent(
                                eventID: UUID(), tenantID: "tenant-a", playerID: "p-\(player)", type: .betPlaced, occurredAt: minute,
                                gameID: "slots-1", amount: Money(minor: 100, currency: "EUR")),
                            sessionDurationMs: nil, ingestedAt: Date(), partition: partition, offset: Int64(player))
                    }
                }

                try await client.withConnection { first in
                    try await first.query("BEGIN", logger: logger)
                    _ = try await store.storeRows(lane(players: 0..<50, partition: 0), on: first)
                    // `first` is uncommitted and holds whatever its storing work locked.
                    var waited: (any Error)?
                    try await client.withConnection { second in
                        try await second.query("BEGIN", logger: logger)
                        try await second.query("SET LOCAL lock_timeout = '2s'", logger: logger)
                        do {
                            _ = try await store.storeRows(lane(players: 50..<100, partition: 1), on: second)
                        } catch {
                            waited = error
                        }
                        try await second.query("ROLLBACK", logger: logger)
                    }
                    try await first.query("ROLLBACK", logger: logger)
                    #expect(waited == nil, "the second lane's storing work waited for the first lane's locks: \(String(reflecting: waited))")
                }
            }
        }
    }
}
