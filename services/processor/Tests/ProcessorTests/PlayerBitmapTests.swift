import Foundation
import GameMetricsErasure
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import GameMetricsTesting
import Logging
import PostgresNIO
import Testing

@testable import Processor

/// analytics-api counts the distinct players of a range from `player_bitmaps` (migration 10):
/// the bits of the players' per-tenant ordinals, per tenant-wide bucket. The counts are exact
/// only while every bitmap holds exactly its bucket's members (`player_activity`, game ''):
/// after redeliveries, across lanes, after an erasure, and after the backfill of older rows.
@Suite("player bitmaps hold exactly each bucket's members")
struct PlayerBitmapTests {
    @Test("after a stream with duplicates, redelivered batches and three lanes, every bitmap holds exactly its bucket's members, and a union over several spans equals the distinct players")
    func bitmapsEqualMemberships() async throws {
        let corpus = EventCorpus(uniqueEvents: 6000, duplicateShare: 0.1, players: 400, seed: 5)
        try await BitmapDatabase.run { database in
            let store = database.store(lanes: 3)
            let batches = corpus.stream.consumed.chunked(900)
            for batch in batches { _ = try await store.store(batch) }
            // Redelivered (not committed to Kafka before a restart): nothing may change.
            for batch in batches.prefix(2) { _ = try await store.store(batch) }

            try await database.expectBitmapsEqualMemberships()
            let expected = ReferenceMembers(corpus.unique)
            #expect(try await database.members(fromBitmaps: true) == expected.members, "decoded bitmaps differ from the reference")
            for spans in expected.multiSpanWindows {
                for tenant in ["tenant-a", "tenant-b"] {
                    let reference = expected.distinctPlayers(tenant: tenant, spans: spans)
                    try #require(reference > 0, "the window must hold players, or the comparison proves nothing")
                    #expect(try await database.bitmapUnion(tenant: tenant, spans: spans) == reference, "\(tenant) \(spans)")
                    #expect(try await database.distinctUnion(tenant: tenant, spans: spans) == reference, "\(tenant) \(spans)")
                }
            }
        }
    }

    @Test("every member has one ordinal; a tenant's ordinals are 0 up to its counter without gaps, and each tenant numbers from 0")
    func ordinalsAreDensePerTenant() async throws {
        let corpus = EventCorpus(uniqueEvents: 3000, duplicateShare: 0.05, players: 300, seed: 9)
        try await BitmapDatabase.run { database in
            let store = database.store(lanes: 2)
            for batch in corpus.stream.consumed.chunked(500) { _ = try await store.store(batch) }
            for tenant in ["tenant-a", "tenant-b"] {
                let players = Set(corpus.unique.filter { $0.tenantID == tenant }.map(\.playerID))
                try await database.expectDenseOrdinals(tenant: tenant, players: players)
            }
        }
    }

    @Test("two lanes numbering new players of the same tenants at once neither deadlock nor share an ordinal")
    func concurrentLanesNumberDistinctly() async throws {
        try await BitmapDatabase.run { database in
            let store = database.store(lanes: 2)
            // Two days apart: the lanes share no aggregate row or bitmap, only the tenants' counters.
            let now = Date().addingTimeInterval(-120)
            func lane(_ prefix: String, partition: Int32, at time: Date) -> [ConsumedEvent] {
                (0..<120).map { index in
                    let event = PlayerEvent(
                        eventID: UUID(), tenantID: index % 3 == 0 ? "tenant-b" : "tenant-a", playerID: "\(prefix)-\(index)",
                        type: .levelUp, occurredAt: time.addingTimeInterval(Double(index % 60)), gameID: "slots-1")
                    return ConsumedEvent(event: event, sessionDurationMs: nil, ingestedAt: Date(), partition: partition, offset: Int64(index))
                }
            }
            let lanes = [lane("first", partition: 0, at: now.addingTimeInterval(-2 * 86_400)), lane("second", partition: 1, at: now)]
            // Both lanes stored their rows and hold their deltas; then both add them to the shared
            // rows at once, each committing right after: one waits for the other's counter row.
            try await database.client.withConnection { first in
                try await database.client.withConnection { second in
                    for (connection, events) in zip([first, second], lanes) {
                        try await connection.query("BEGIN", logger: database.logger)
                        try await connection.query("SET LOCAL lock_timeout = '30s'", logger: database.logger)
                        _ = try await store.storeRows(events, on: connection)
                    }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for connection in [first, second] {
                            group.addTask {
                                try await store.addToSharedAggregates(on: connection)
                                try await connection.query("COMMIT", logger: database.logger)
                            }
                        }
                        try await group.waitForAll()
                    }
                }
            }
            for tenant in ["tenant-a", "tenant-b"] {
                let players = Set(lanes.joined().filter { $0.event.tenantID == tenant }.map(\.event.playerID))
                try await database.expectDenseOrdinals(tenant: tenant, players: players)
            }
            try await database.expectBitmapsEqualMemberships()
        }
    }

    @Test("a tenant past 8,192 players: the ordinals go on in the next chunk, and counts and unions add the chunks up")
    func ordinalsCrossIntoTheNextChunk() async throws {
        try await BitmapDatabase.run { database in
            // As if 8,190 players had been numbered (and erased) before.
            try await database.client.query(
                "INSERT INTO player_ordinal_counters (tenant_id, next_ordinal) VALUES ('tenant-a', 8190)", logger: database.logger)
            let minute = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 120)
            let events = (0..<10).map { index in
                ConsumedEvent(
                    event: PlayerEvent(eventID: UUID(), tenantID: "tenant-a", playerID: "p-\(index)", type: .levelUp, occurredAt: minute),
                    sessionDurationMs: nil, ingestedAt: Date(), partition: 0, offset: Int64(index))
            }
            _ = try await database.store(lanes: 1).store(events)
            let ordinals = try await database.rows(
                "SELECT ordinal FROM player_ordinals WHERE tenant_id = 'tenant-a' ORDER BY 1", as: Int32.self)
            #expect(ordinals == Array(8190..<8200))
            let chunks = try await database.rows(
                """
                SELECT chunk || ':' || bit_count(bits) FROM player_bitmaps
                 WHERE tenant_id = 'tenant-a' AND grain = 'minute' ORDER BY chunk
                """, as: String.self)
            #expect(chunks == ["0:2", "1:8"], "chunk 0 holds ordinals 8190 and 8191, chunk 1 the other eight")
            let firstBits = try await database.rows(
                "SELECT substring(bits::text FROM 1 FOR 9) FROM player_bitmaps WHERE tenant_id = 'tenant-a' AND grain = 'minute' AND chunk = 1",
                as: String.self)
            #expect(firstBits == ["111111110"], "ordinal 8192 is bit 0 of chunk 1")
            let day = minute.addingTimeInterval(-minute.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400))
            let spans = [Span(grain: "day", lo: day, hi: day.addingTimeInterval(86_400)), Span(grain: "minute", lo: minute, hi: minute.addingTimeInterval(60))]
            #expect(try await database.bitmapUnion(tenant: "tenant-a", spans: spans) == 10)
            try await database.expectBitmapsEqualMemberships()
        }
    }

    @Test("erasing a player clears its bit: each bucket it was in counts exactly one player less, no other changes, its ordinal is gone and never given again")
    func erasureClearsThePlayersBits() async throws {
        let corpus = EventCorpus(uniqueEvents: 3000, duplicateShare: 0.05, players: 200, seed: 17)
        let erased = corpus.unique[0]
        try await BitmapDatabase.run { database in
            let store = database.store(lanes: 2)
            for batch in corpus.stream.consumed.chunked(600) { _ = try await store.store(batch) }
            let before = try await database.bitmapCounts()
            let buckets = try await database.rows(
                """
                SELECT grain || ' ' || extract(epoch FROM bucket)::bigint FROM player_activity
                 WHERE tenant_id = \(erased.tenantID) AND player_id = \(erased.playerID) AND game_id = ''
                """, as: String.self)
            try #require(!buckets.isEmpty, "the erased player must have memberships, or the test proves nothing")
            let counter = try await database.rows(
                "SELECT next_ordinal FROM player_ordinal_counters WHERE tenant_id = \(erased.tenantID)", as: Int32.self)

            let request = ErasureRequested(requestID: UUID(), tenantID: erased.tenantID, playerID: erased.playerID, requestedAt: Date(), requestedBy: "test")
            let deleted = try await database.client.withTransaction(logger: database.logger) { connection in
                try await database.subjects.record(tenantID: erased.tenantID, playerID: erased.playerID, on: connection, logger: database.logger)
                return try await PlayerDataEraser.erase(request, on: connection, logger: database.logger)
            }
            #expect(deleted["player_ordinals"] == 1 && deleted["player_bitmaps"] == buckets.count, "\(deleted)")

            let after = try await database.bitmapCounts()
            var expected = before
            for bucket in buckets { expected["\(erased.tenantID) \(bucket)", default: 0] -= 1 }
            #expect(after == expected, "counts other than the erased player's buckets minus one")
            try await database.expectBitmapsEqualMemberships()
            #expect(try await database.members(fromBitmaps: true).allSatisfy { $0.player != erased.playerID || $0.tenant != erased.tenantID })
            let ordinals = try await database.rows(
                "SELECT count(*)::bigint FROM player_ordinals WHERE tenant_id = \(erased.tenantID) AND player_id = \(erased.playerID)", as: Int64.self)
            #expect(ordinals == [0])

            // Ingested after the erasure, the player is a new relationship with a new number.
            let comeback = ConsumedEvent(
                event: PlayerEvent(eventID: UUID(), tenantID: erased.tenantID, playerID: erased.playerID, type: .levelUp, occurredAt: Date()),
                sessionDurationMs: nil, ingestedAt: Date(), partition: 0, offset: 0)
            _ = try await store.store([comeback])
            let renumbered = try await database.rows(
                "SELECT ordinal FROM player_ordinals WHERE tenant_id = \(erased.tenantID) AND player_id = \(erased.playerID)", as: Int32.self)
            #expect(renumbered == counter, "the next unused number, not the erased one")
            try await database.expectBitmapsEqualMemberships()
        }
    }

    @Test("migration 10's backfill of memberships stored under migration 9 gives every bucket the same members as the store does")
    func backfillEqualsTheStore() async throws {
        let corpus = EventCorpus(uniqueEvents: 2500, duplicateShare: 0.05, players: 250, seed: 21)
        // The store's bitmaps, and its memberships as migration 9's schema held them.
        let (stored, memberships) = try await BitmapDatabase.run { database in
            for batch in corpus.stream.consumed.chunked(500) { _ = try await database.store(lanes: 2).store(batch) }
            return (
                try await database.members(fromBitmaps: true),
                try await database.rows(
                    "SELECT tenant_id || '|' || grain || '|' || bucket::text || '|' || game_id || '|' || player_id FROM player_activity",
                    as: String.self)
            )
        }
        try #require(!stored.isEmpty)
        try await BitmapDatabase.run(migrations: ProcessorMigrations.all.filter { $0.version <= 9 }) { database in
            try await database.client.query(
                """
                INSERT INTO player_activity (tenant_id, grain, bucket, game_id, player_id)
                SELECT a.f[1], a.f[2], a.f[3]::timestamptz, a.f[4], a.f[5]
                  FROM unnest(\(memberships)::text[]) AS r(line), LATERAL string_to_array(r.line, '|') AS a(f)
                """, logger: database.logger)
            try await database.migrate(ProcessorMigrations.all)
            #expect(try await database.members(fromBitmaps: true) == stored, "the backfill's members differ from the store's")
            try await database.expectBitmapsEqualMemberships()
            for tenant in ["tenant-a", "tenant-b"] {
                let players = Set(corpus.unique.filter { $0.tenantID == tenant }.map(\.playerID))
                try await database.expectDenseOrdinals(tenant: tenant, players: players)
            }
        }
    }
}

/// One bucket's member, as (tenant, grain, bucket start in epoch seconds, player).
struct Member: Hashable, Sendable {
    var tenant: String, grain: String, bucket: Int64, player: String
}

/// A half-open range of buckets of one grain, as analytics-api's `TimeWindow.spans` are.
struct Span: Sendable, CustomStringConvertible {
    var grain: String, lo: Date, hi: Date
    var description: String { "\(grain) [\(lo), \(hi))" }
}

/// The tenant-wide memberships computed here from the unique events, independently of the store.
struct ReferenceMembers {
    let members: Set<Member>

    init(_ events: [PlayerEvent]) {
        var members = Set<Member>()
        for event in events {
            let seconds = Int64((event.occurredAt.timeIntervalSince1970 * 1_000_000).rounded()) / 1_000_000
            for (grain, width) in Aggregates.grains {
                members.insert(Member(tenant: event.tenantID, grain: grain, bucket: seconds - seconds % width, player: event.playerID))
            }
        }
        self.members = members
    }

    func distinctPlayers(tenant: String, spans: [Span]) -> Int64 {
        var players = Set<String>()
        for member in members where member.tenant == tenant {
            let bucket = Date(timeIntervalSince1970: Double(member.bucket))
            if spans.contains(where: { $0.grain == member.grain && $0.lo <= bucket && bucket < $0.hi }) { players.insert(member.player) }
        }
        return Int64(players.count)
    }

    /// Windows made of a day, hours and minutes, as analytics-api splits a range, inside the
    /// corpus' 26 hours.
    var multiSpanWindows: [[Span]] {
        let hour = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 3600).rounded(.down) * 3600)
        let day = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        let h = { (hours: Double) in hour.addingTimeInterval(hours * 3600) }
        return [
            [Span(grain: "hour", lo: h(-10), hi: h(-3)), Span(grain: "minute", lo: h(-3), hi: h(-3).addingTimeInterval(37 * 60))],
            [
                Span(grain: "minute", lo: h(-20).addingTimeInterval(-13 * 60), hi: h(-20)), Span(grain: "hour", lo: h(-20), hi: h(-12)),
                Span(grain: "minute", lo: h(-12), hi: h(-12).addingTimeInterval(5 * 60)),
            ],
            [Span(grain: "day", lo: day.addingTimeInterval(-86_400), hi: day), Span(grain: "hour", lo: day, hi: max(day, h(-1)))],
        ]
    }
}

/// A fresh database migrated (by default to the latest version) and the store's parts.
struct BitmapDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger
    let subjects: ErasedSubjects

    static func run<T: Sendable>(
        migrations: [Migration] = ProcessorMigrations.all, _ body: @Sendable (BitmapDatabase) async throws -> T
    ) async throws -> T {
        try await TestDatabase.withFresh { url in
            let logger = Logger(label: "player-bitmaps")
            return try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: try #require(URL(string: url))), logger: logger) {
                let database = BitmapDatabase(client: $0, logger: logger, subjects: try ErasedSubjects(key: Array(repeating: 7, count: 32)))
                try await database.migrate(migrations)
                return try await body(database)
            }
        }
    }

    func migrate(_ migrations: [Migration]) async throws {
        _ = try await MigrationRunner(client: client, migrations: migrations, logger: logger, table: ProcessorMigrations.table).migrate()
    }

    func store(lanes: Int) -> PostgresEventStore {
        PostgresEventStore(client: client, lanes: lanes, subjects: subjects, logger: logger)
    }

    func rows<T: PostgresDecodable & Sendable>(_ sql: PostgresQuery, as type: T.Type) async throws -> [T] {
        var values: [T] = []
        for try await value in try await client.query(sql, logger: logger).decode(T.self) { values.append(value) }
        return values
    }

    /// The tenant-wide members, decoded from the bitmaps through the ordinals, or from `player_activity`.
    func members(fromBitmaps: Bool) async throws -> Set<Member> {
        let sql: PostgresQuery =
            fromBitmaps
            ? """
            SELECT b.tenant_id, b.grain, extract(epoch FROM b.bucket)::bigint, o.player_id
              FROM player_bitmaps b JOIN player_ordinals o ON o.tenant_id = b.tenant_id AND o.ordinal / 8192 = b.chunk
             WHERE get_bit(b.bits, o.ordinal % 8192) = 1
            """
            : "SELECT tenant_id, grain, extract(epoch FROM bucket)::bigint, player_id FROM player_activity WHERE game_id = ''"
        var members = Set<Member>()
        for try await (tenant, grain, bucket, player) in try await client.query(sql, logger: logger).decode((String, String, Int64, String).self) {
            members.insert(Member(tenant: tenant, grain: grain, bucket: bucket, player: player))
        }
        return members
    }

    /// Set bits per "tenant grain epoch-seconds".
    func bitmapCounts() async throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        let rows = try await client.query(
            "SELECT tenant_id || ' ' || grain || ' ' || extract(epoch FROM bucket)::bigint, sum(bit_count(bits))::bigint FROM player_bitmaps GROUP BY 1",
            logger: logger)
        for try await (key, count) in rows.decode((String, Int64).self) { counts[key] = count }
        return counts
    }

    /// For every (tenant, grain, bucket) with members or a bitmap, the set bits equal the distinct
    /// members, and the decoded bits are those members.
    func expectBitmapsEqualMemberships(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let differences = try await rows(
            """
            SELECT coalesce(m.tenant_id, b.tenant_id) || ' ' || coalesce(m.grain, b.grain) || ' ' || coalesce(m.bucket, b.bucket)::text
                   || ': ' || coalesce(m.players, 0) || ' members, ' || coalesce(b.bits, 0) || ' bits'
              FROM (SELECT tenant_id, grain, bucket, count(DISTINCT player_id) AS players FROM player_activity WHERE game_id = ''
                     GROUP BY 1, 2, 3) AS m
              FULL JOIN (SELECT tenant_id, grain, bucket, sum(bit_count(bits)) AS bits FROM player_bitmaps GROUP BY 1, 2, 3) AS b
                USING (tenant_id, grain, bucket)
             WHERE coalesce(m.players, 0) <> coalesce(b.bits, 0)
             LIMIT 5
            """, as: String.self)
        #expect(differences.isEmpty, "\(differences)", sourceLocation: sourceLocation)
        let memberships = try await members(fromBitmaps: false)
        #expect(!memberships.isEmpty, "no memberships: the comparison proves nothing", sourceLocation: sourceLocation)
        #expect(try await members(fromBitmaps: true) == memberships, "decoded bitmaps differ from the memberships", sourceLocation: sourceLocation)
    }

    /// `players` are the tenant's numbered players, numbered 0 up to the counter without gaps.
    func expectDenseOrdinals(tenant: String, players: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let numbered = try await rows(
            "SELECT player_id || ' ' || ordinal FROM player_ordinals WHERE tenant_id = \(tenant) ORDER BY ordinal", as: String.self)
        #expect(Set(numbered.map { String($0.split(separator: " ")[0]) }) == players, "\(tenant): numbered players", sourceLocation: sourceLocation)
        #expect(numbered.map { Int($0.split(separator: " ")[1])! } == Array(0..<players.count), "\(tenant): ordinals", sourceLocation: sourceLocation)
        let counter = try await rows("SELECT next_ordinal FROM player_ordinal_counters WHERE tenant_id = \(tenant)", as: Int32.self)
        #expect(counter == [Int32(players.count)], "\(tenant): counter", sourceLocation: sourceLocation)
    }

    /// analytics-api's reading of the bitmaps: per chunk the OR over the spans' buckets, summed.
    func bitmapUnion(tenant: String, spans: [Span]) async throws -> Int64 {
        let (grains, los, his) = (spans.map(\.grain), spans.map(\.lo), spans.map(\.hi))
        return try await rows(
            """
            SELECT coalesce(sum(bit_count(chunks.bits)), 0)::bigint FROM (
                SELECT bit_or(b.bits) AS bits
                  FROM unnest(\(grains)::text[], \(los)::timestamptz[], \(his)::timestamptz[]) AS s(grain, lo, hi)
                  JOIN player_bitmaps b ON b.tenant_id = \(tenant) AND b.grain = s.grain AND b.bucket >= s.lo AND b.bucket < s.hi
                 GROUP BY b.chunk
            ) AS chunks
            """, as: Int64.self
        ).first ?? -1
    }

    /// The distinct players of the spans' tenant-wide memberships.
    func distinctUnion(tenant: String, spans: [Span]) async throws -> Int64 {
        let (grains, los, his) = (spans.map(\.grain), spans.map(\.lo), spans.map(\.hi))
        return try await rows(
            """
            SELECT count(DISTINCT p.player_id)::bigint
              FROM unnest(\(grains)::text[], \(los)::timestamptz[], \(his)::timestamptz[]) AS s(grain, lo, hi)
              JOIN player_activity p ON p.tenant_id = \(tenant) AND p.grain = s.grain AND p.game_id = '' AND p.bucket >= s.lo AND p.bucket < s.hi
            """, as: Int64.self
        ).first ?? -1
    }
}

extension [PlayerEvent] {
    /// As the consumer hands them over: a player's events on one of 24 partitions, offsets in order.
    var consumed: [ConsumedEvent] {
        enumerated().map { offset, event in
            let partition = Int32(event.playerID.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % 24)
            return ConsumedEvent(event: event, sessionDurationMs: nil, ingestedAt: Date(), partition: partition, offset: Int64(offset))
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}

extension ProcessorFixture {
    /// The processor's bitmaps hold exactly the tenant-wide memberships, and those are the members
    /// computed here from the unique events.
    func expectBitmapsEqualMemberships(of events: [PlayerEvent], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let expected = ReferenceMembers(events).members
        try await withDatabase { client, logger in
            let database = BitmapDatabase(client: client, logger: logger, subjects: try ErasedSubjects(key: Array(repeating: 7, count: 32)))
            try await database.expectBitmapsEqualMemberships(sourceLocation: sourceLocation)
            #expect(try await database.members(fromBitmaps: true) == expected, "decoded bitmaps differ from the reference", sourceLocation: sourceLocation)
        }
    }
}
