import Foundation
import GameMetricsRecommender

/// The play histories of the simulator's tenants, read from its `--dry-run` events the way the
/// service sees them after the processor: for each (player, game), on how many distinct UTC days
/// the player had an event with that `game_id` (`player_activity`, day grain).
///
/// Dry-run events carry no `tenant_id` (ingestion takes it from the write key) and player ids
/// repeat across tenants, so an event is given to the tenant whose catalogue
/// (`--print-catalogue`) holds its game; an id in several catalogues is left out and counted.
struct SimulatorPlayHistory {
    var tenants: [PlayHistory]
    var events = 0
    var gameEvents = 0
    /// Game events whose `game_id` is in more than one tenant's catalogue, or in none.
    var unattributed = 0
    var days = IndexMap()

    init(eventsPath: String, cataloguePath: String) throws {
        let decoder = JSONDecoder()
        var tenantOfGame: [String: Int] = [:]
        var ambiguous = Set<String>()
        tenants = []
        var catalogue = try LineReader(path: cataloguePath)
        while let line = catalogue.next() {
            guard !line.isEmpty else { continue }
            let entry = try decoder.decode(CatalogueLine.self, from: Data(line))
            for game in entry.games {
                if let other = tenantOfGame[game.game_id], other != tenants.count { ambiguous.insert(game.game_id) }
                tenantOfGame[game.game_id] = tenants.count
            }
            tenants.append(PlayHistory(tenant: entry.tenant_id))
        }
        // Per tenant: player << 32 | game << 16 | day, one element per day a pair was played.
        var playedDays = Array(repeating: Set<Int64>(), count: tenants.count)
        var reader = try LineReader(path: eventsPath)
        while let line = reader.next() {
            guard !line.isEmpty else { continue }
            events += 1
            let event = try decoder.decode(DryRunEvent.self, from: Data(line))
            guard let game = event.game_id, !game.isEmpty else { continue }
            gameEvents += 1
            guard let tenant = tenantOfGame[game], !ambiguous.contains(game) else {
                unattributed += 1
                continue
            }
            let player = Int64(tenants[tenant].players.index(for: event.player_id))
            let gameIndex = Int64(tenants[tenant].games.index(for: game))
            // occurred_at is RFC 3339 in UTC ("…Z"), so its first ten characters are the UTC day.
            let day = Int64(days.index(for: String(event.occurred_at.prefix(10))))
            precondition(gameIndex < 1 << 16 && day < 1 << 16, "at most 65,536 games per tenant and days")
            playedDays[tenant].insert(player << 32 | gameIndex << 16 | day)
        }
        for tenant in tenants.indices {
            let keys = playedDays[tenant].sorted()
            var position = 0
            while position < keys.count {
                let pair = keys[position] >> 16
                var count = 0
                while position < keys.count && keys[position] >> 16 == pair {
                    count += 1
                    position += 1
                }
                tenants[tenant].interactions.append(
                    Interaction(playerIndex: Int32(pair >> 16), gameIndex: Int32(pair & 0xFFFF), count: Float(count)))
            }
        }
    }
}
