import Foundation
import GameMetricsKit
import GameMetricsPostgres
import Logging
import PostgresNIO

/// Each tenant's games (`rec_games`). Every statement names the tenant: the caller's, from its
/// verified credential, or the event's.
struct CatalogueStore: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    struct Page: Sendable {
        var games: [CatalogueGame]
        /// The id to pass as `after` for the next page; nil on the last.
        var nextAfter: String?
    }

    func page(tenantID: String, after: String?, limit: Int, enabled: Bool?) async throws -> Page {
        let rows = try await postgres.query(
            """
            SELECT game_id, name, provider, category, volatility, to_char(release_date, 'YYYY-MM-DD'), enabled, source, first_seen_at, updated_at
              FROM rec_games
             WHERE tenant_id = \(tenantID) AND game_id > \(after ?? "") AND (\(enabled)::boolean IS NULL OR enabled = \(enabled))
             ORDER BY game_id LIMIT \(limit + 1)
            """, logger: logger)
        var games: [CatalogueGame] = []
        for try await row in rows.decode((String, String?, String?, String?, String?, String?, Bool, String, Date, Date).self) {
            games.append(Self.game(row))
        }
        guard games.count > limit else { return Page(games: games, nextAfter: nil) }
        games.removeLast()
        return Page(games: games, nextAfter: games.last?.gameID)
    }

    func game(tenantID: String, gameID: String) async throws -> CatalogueGame? {
        let rows = try await postgres.query(
            """
            SELECT game_id, name, provider, category, volatility, to_char(release_date, 'YYYY-MM-DD'), enabled, source, first_seen_at, updated_at
              FROM rec_games WHERE tenant_id = \(tenantID) AND game_id = \(gameID)
            """, logger: logger)
        for try await row in rows.decode((String, String?, String?, String?, String?, String?, Bool, String, Date, Date).self) {
            return Self.game(row)
        }
        return nil
    }

    /// Creates or replaces the games (as the operator describes them: `source` becomes `api`), in
    /// one transaction. Absent fields are stored as NULL (a client's empty string is refused
    /// before this, so it can stand for absent here).
    func save(_ games: [CatalogueGame], tenantID: String) async throws {
        guard !games.isEmpty else { return }
        try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO rec_games AS g (tenant_id, game_id, name, provider, category, volatility, release_date, enabled, source)
                SELECT \(tenantID), id, NULLIF(name, ''), NULLIF(provider, ''), NULLIF(category, ''), NULLIF(volatility, ''),
                       NULLIF(release, '')::date, enabled, 'api'
                  FROM unnest(\(games.map(\.gameID))::text[], \(games.map { $0.name ?? "" })::text[], \(games.map { $0.provider ?? "" })::text[],
                              \(games.map { $0.category ?? "" })::text[], \(games.map { $0.volatility ?? "" })::text[],
                              \(games.map { $0.releaseDate ?? "" })::text[], \(games.map(\.enabled))::boolean[])
                       AS s(id, name, provider, category, volatility, release, enabled)
                ON CONFLICT (tenant_id, game_id) DO UPDATE
                   SET name = excluded.name, provider = excluded.provider, category = excluded.category, volatility = excluded.volatility,
                       release_date = excluded.release_date, enabled = excluded.enabled, source = 'api', updated_at = now()
                """, logger: logger)
        }
    }

    /// Registers games seen in events that the catalogue does not hold yet (enabled, no
    /// details), in the caller's transaction.
    static func register(_ games: Set<TenantGame>, on connection: PostgresConnection, logger: Logger) async throws {
        guard !games.isEmpty else { return }
        let sorted = games.sorted { ($0.tenantID, $0.gameID) < ($1.tenantID, $1.gameID) }
        try await connection.query(
            """
            INSERT INTO rec_games (tenant_id, game_id, source)
            SELECT tenant, game, 'events' FROM unnest(\(sorted.map(\.tenantID))::text[], \(sorted.map(\.gameID))::text[]) AS s(tenant, game)
            ON CONFLICT (tenant_id, game_id) DO NOTHING
            """, logger: logger)
    }

    private static func game(_ row: (String, String?, String?, String?, String?, String?, Bool, String, Date, Date)) -> CatalogueGame {
        CatalogueGame(
            gameID: row.0, name: row.1, provider: row.2, category: row.3, volatility: row.4, releaseDate: row.5, enabled: row.6, source: row.7,
            firstSeenAt: row.8, updatedAt: row.9)
    }
}
