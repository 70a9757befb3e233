import Foundation
import GameMetricsKit
import PostgresNIO

/// Players in PostgreSQL. Every query runs inside `TenantScope`, so row-level security, not
/// only the WHERE clause, keeps tenants apart.
struct PostgresPlayerRepository: PlayerRepository {
    let scope: TenantScope

    private typealias Row = (String, String?, String?, String?, String, Date, Date)
    private static let columns = "player_id, display_name, email, country, attributes::text, created_at, updated_at"

    func create(_ player: NewPlayer, tenant: String) async throws -> Player? {
        let attributes = Self.text(player.fields.attributes ?? .object([:]))
        return try await scope.run(tenant: tenant) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO players (tenant_id, player_id, display_name, email, country, attributes)
                VALUES (\(tenant), \(player.playerID), \(player.fields.displayName), \(player.fields.email),
                        \(player.fields.country), \(attributes)::jsonb)
                ON CONFLICT (tenant_id, player_id) DO NOTHING
                RETURNING \(unescaped: Self.columns)
                """, logger: scope.logger)
            return try await Self.players(rows).first
        }
    }

    func get(_ playerID: String, tenant: String) async throws -> Player? {
        try await scope.run(tenant: tenant) { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM players WHERE player_id = \(playerID)", logger: scope.logger)
            return try await Self.players(rows).first
        }
    }

    func update(_ playerID: String, tenant: String, with fields: PlayerFields) async throws -> Player? {
        let attributes = fields.attributes.map(Self.text)
        return try await scope.run(tenant: tenant) { connection in
            let rows = try await connection.query(
                """
                UPDATE players SET
                    display_name = COALESCE(\(fields.displayName), display_name),
                    email = COALESCE(\(fields.email), email),
                    country = COALESCE(\(fields.country), country),
                    attributes = COALESCE(\(attributes)::jsonb, attributes),
                    updated_at = now()
                WHERE player_id = \(playerID)
                RETURNING \(unescaped: Self.columns)
                """, logger: scope.logger)
            return try await Self.players(rows).first
        }
    }

    func delete(_ playerID: String, tenant: String) async throws -> Bool {
        try await scope.run(tenant: tenant) { connection in
            let rows = try await connection.query(
                "DELETE FROM players WHERE player_id = \(playerID) RETURNING player_id", logger: scope.logger)
            return try await rows.collect().count == 1
        }
    }

    func list(_ query: PlayerQuery, tenant: String) async throws -> [Player] {
        let idPrefix = query.playerIDPrefix ?? ""
        let namePattern = query.displayNamePrefix.map { Self.likePrefix($0.lowercased()) }
        return try await scope.run(tenant: tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM players
                WHERE starts_with(player_id, \(idPrefix))
                  AND (\(namePattern)::text IS NULL OR lower(display_name) LIKE \(namePattern))
                ORDER BY player_id
                LIMIT \(query.limit)
                """, logger: scope.logger)
            return try await Self.players(rows)
        }
    }

    private static func players(_ rows: PostgresRowSequence) async throws -> [Player] {
        var players: [Player] = []
        for try await (id, name, email, country, attributes, created, updated) in rows.decode(Row.self) {
            players.append(
                Player(
                    playerID: id, displayName: name, email: email, country: country,
                    attributes: (try? JSONValue(parsing: Array(attributes.utf8))) ?? .object([:]),
                    createdAt: created, updatedAt: updated))
        }
        return players
    }

    private static func text(_ value: JSONValue) -> String {
        String(decoding: value.jsonBytes, as: UTF8.self)
    }

    /// A LIKE pattern matching values that start with `prefix` taken literally.
    private static func likePrefix(_ prefix: String) -> String {
        var escaped = ""
        for character in prefix {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "%"
    }
}
