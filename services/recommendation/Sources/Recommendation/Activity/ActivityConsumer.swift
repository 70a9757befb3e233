import Foundation
import GameMetricsKafka
import GameMetricsKit
import GameMetricsPostgres
import Kafka
import Logging
import PostgresNIO
import ServiceLifecycle

/// Follows `player.events.processed`: per batch, in one transaction holding the erasure lock
/// shared, it registers the games it sees in their tenants' catalogues and records each player's
/// last game in `rec_recent_plays` (passing over erased players' activity from before their
/// erasure); then it invalidates the players' cached lists, and only then commits the offsets.
/// A redelivered record changes nothing: a play counts once per snapshot time.
struct ActivityConsumer: Service {
    let loop: ConsumerLoop
    let postgres: PostgresClient
    let subjects: ErasedSubjects
    let cache: RecommendationCache
    let metrics: RecommendationMetrics
    let prepare: @Sendable () async throws -> Void
    let logger: Logger

    func run() async throws {
        try await loop.run(prepare: prepare) { batch in
            var activities: [PlayerActivity] = []
            var unreadable = 0
            for record in batch {
                switch PlayerActivity.read(record) {
                case .success(let activity): activities.append(activity)
                case .failure: unreadable += 1
                case nil: break
                }
            }
            if unreadable > 0 {
                metrics.activity("unreadable", count: unreadable)
                logger.warning("activity records that are no player snapshot passed over", metadata: ["count": "\(unreadable)"])
            }
            if !activities.isEmpty {
                guard await loop.retrying("record players' activity", { try await record(activities) }) else { return false }
                let players = Array(Set(activities.map { TenantPlayer(tenantID: $0.tenantID, playerID: $0.playerID) }))
                guard await loop.retrying("invalidate cached recommendations", { try await cache.invalidate(players) }) else { return false }
            }
            return await loop.retrying("commit activity offsets") { try await loop.commit(next: KafkaConsumerMessage.nextOffsets(after: batch)) }
        }
    }

    private func record(_ activities: [PlayerActivity]) async throws {
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            try await ErasedSubjects.holdShared(on: connection, logger: logger)
            let subjectOf = Dictionary(
                activities.map { (subjects.subject(tenantID: $0.tenantID, playerID: $0.playerID), TenantPlayer(tenantID: $0.tenantID, playerID: $0.playerID)) },
                uniquingKeysWith: { first, _ in first })
            var erasedAt: [TenantPlayer: Date] = [:]
            let rows = try await connection.query(
                "SELECT subject, erased_at FROM erased_subjects WHERE subject = ANY(\(subjectOf.keys.map { ByteBuffer(bytes: $0) }))", logger: logger)
            for try await (subject, at) in rows.decode((ByteBuffer, Date).self) {
                if let player = subjectOf[Array(subject.readableBytesView)] { erasedAt[player] = at }
            }
            var plays: [String: PlayerActivity] = [:]
            var games = Set<TenantGame>()
            var erased = 0
            for activity in activities {
                let player = TenantPlayer(tenantID: activity.tenantID, playerID: activity.playerID)
                if let at = erasedAt[player], activity.lastSeenAt <= at {
                    erased += 1
                    continue
                }
                guard let game = activity.lastGameID else { continue }
                games.insert(TenantGame(tenantID: activity.tenantID, gameID: game))
                let key = "\(activity.tenantID)\u{0}\(activity.playerID)\u{0}\(game)"
                if let seen = plays[key], seen.lastSeenAt >= activity.lastSeenAt { continue }
                plays[key] = activity
            }
            if erased > 0 { metrics.activity("erased", count: erased) }
            metrics.activity("applied", count: activities.count - erased)
            try await CatalogueStore.register(games, on: connection, logger: logger)
            let sorted = plays.values.sorted { ($0.tenantID, $0.playerID, $0.lastGameID ?? "") < ($1.tenantID, $1.playerID, $1.lastGameID ?? "") }
            guard !sorted.isEmpty else { return }
            try await connection.query(
                """
                INSERT INTO rec_recent_plays AS r (tenant_id, player_id, game_id, plays, last_played_at)
                SELECT tenant, player, game, 1, at
                  FROM unnest(\(sorted.map(\.tenantID))::text[], \(sorted.map(\.playerID))::text[], \(sorted.map { $0.lastGameID ?? "" })::text[],
                              \(sorted.map(\.lastSeenAt))::timestamptz[]) AS s(tenant, player, game, at)
                ON CONFLICT (tenant_id, player_id, game_id) DO UPDATE
                   SET plays = r.plays + 1, last_played_at = excluded.last_played_at
                 WHERE excluded.last_played_at > r.last_played_at
                """, logger: logger)
        }
    }
}
