import Foundation
import GameMetricsKit
import Synchronization

/// For unit tests: the same contract as the PostgreSQL repository, in a dictionary.
final class InMemoryPlayerRepository: PlayerRepository {
    private struct Key: Hashable {
        let tenant: String
        let playerID: String
    }

    private let players = Mutex<[Key: Player]>([:])

    func create(_ player: NewPlayer, tenant: String) async throws -> Player? {
        players.withLock { players in
            let key = Key(tenant: tenant, playerID: player.playerID)
            guard players[key] == nil else { return nil }
            let now = Date()
            let created = Player(
                playerID: player.playerID, displayName: player.fields.displayName, email: player.fields.email,
                country: player.fields.country, attributes: player.fields.attributes ?? .object([:]),
                createdAt: now, updatedAt: now)
            players[key] = created
            return created
        }
    }

    func get(_ playerID: String, tenant: String) async throws -> Player? {
        players.withLock { $0[Key(tenant: tenant, playerID: playerID)] }
    }

    func update(_ playerID: String, tenant: String, with fields: PlayerFields) async throws -> Player? {
        players.withLock { players in
            let key = Key(tenant: tenant, playerID: playerID)
            guard var player = players[key] else { return nil }
            player.displayName = fields.displayName ?? player.displayName
            player.email = fields.email ?? player.email
            player.country = fields.country ?? player.country
            player.attributes = fields.attributes ?? player.attributes
            player.updatedAt = Date()
            players[key] = player
            return player
        }
    }

    func delete(_ playerID: String, tenant: String) async throws -> Bool {
        players.withLock { $0.removeValue(forKey: Key(tenant: tenant, playerID: playerID)) != nil }
    }

    func list(_ query: PlayerQuery, tenant: String) async throws -> [Player] {
        players.withLock { players in
            players.filter { key, player in
                key.tenant == tenant
                    && query.playerIDPrefix.map { player.playerID.hasPrefix($0) } ?? true
                    && query.displayNamePrefix.map { prefix in
                        player.displayName?.lowercased().hasPrefix(prefix.lowercased()) ?? false
                    } ?? true
            }
            .values.sorted { $0.playerID < $1.playerID }
            .prefix(query.limit).map { $0 }
        }
    }
}
