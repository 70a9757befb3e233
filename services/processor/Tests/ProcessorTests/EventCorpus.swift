import Dispatch
import Foundation
import GameMetricsKit
import Kafka

/// Runs CPU-heavy test setup (building a corpus or its reference) on a Dispatch thread: on the
/// two-thread cooperative pool it would stall the suites running beside it for seconds.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}

/// A corpus and the totals it must leave behind, both built off the cooperative pool.
func corpusWithExpectedTotals(uniqueEvents: Int, duplicateShare: Double, seed: UInt64 = 42) async -> (EventCorpus, Aggregates) {
    await offThePool {
        let corpus = EventCorpus(uniqueEvents: uniqueEvents, duplicateShare: duplicateShare, seed: seed)
        return (corpus, Aggregates(reference: corpus.unique))
    }
}

/// A reproducible stream of player events for two tenants: out-of-order timestamps spread over
/// the last 26 hours (so minute, hour and day buckets all split), every event type, two
/// currencies, four games, and a share of exact duplicates (redeliveries) mixed in.
struct EventCorpus {
    let unique: [PlayerEvent]
    /// `unique` plus the duplicates, in the order they are produced.
    let stream: [PlayerEvent]

    init(uniqueEvents: Int, duplicateShare: Double, players: Int = 400, seed: UInt64 = 42, now: Date = Date()) {
        var random = SplitMix64(seed: seed)
        let tenants = ["tenant-a", "tenant-b"]
        let games = ["slots-1", "slots-2", "roulette", "blackjack"]
        let nowMicros = Int64(now.timeIntervalSince1970 * 1_000_000)
        let spanMicros: Int64 = 26 * 3_600_000_000
        var unique: [PlayerEvent] = []
        unique.reserveCapacity(uniqueEvents)
        for _ in 0..<uniqueEvents {
            let player = Int(random.next() % UInt64(players))
            let tenant = tenants[player % 2]
            let type = EventType.allCases[Int(random.next() % UInt64(EventType.allCases.count))]
            let micros = nowMicros - 60_000_000 - Int64(random.next() % UInt64(spanMicros))
            let game = type.requiresGameID || (type == .gameRound) ? games[Int(random.next() % 4)] : nil
            let amount = type.requiresAmount ? Money(minor: Int64(random.next() % 100_000), currency: player % 3 == 0 ? "USD" : "EUR") : nil
            var properties = EventProperties.empty
            if type == .sessionEnd {
                properties = EventProperties(["duration_ms": .number(String(random.next() % 3_600_000))])
            }
            unique.append(
                PlayerEvent(
                    eventID: random.nextUUID(), tenantID: tenant, playerID: "player-\(player)", type: type,
                    occurredAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), gameID: game, amount: amount,
                    properties: properties))
        }
        var stream = unique
        let duplicates = Int(Double(uniqueEvents) * duplicateShare)
        for _ in 0..<duplicates {
            stream.append(unique[Int(random.next() % UInt64(unique.count))])
        }
        // Fisher-Yates with the seeded generator: duplicates land anywhere, even before the original.
        for index in stride(from: stream.count - 1, to: 0, by: -1) {
            stream.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        self.unique = unique
        self.stream = stream
    }

    /// Records as ingestion writes them: keyed `tenant:player`, with `gm-ingested-at-ms`.
    static func records(_ events: [PlayerEvent], topic: String) -> [KafkaProducerMessage] {
        let ingestedAt = String(Int64(Date().timeIntervalSince1970 * 1000))
        return events.map { event in
            KafkaProducerMessage(
                topic: topic, key: event.partitionKeyBytes(), value: event.jsonBytes(),
                headers: [KafkaHeader(key: "gm-ingested-at-ms", string: ingestedAt)])
        }
    }
}

/// The aggregates the processor must arrive at, computed here from the unique events alone.
struct Aggregates: Equatable, CustomStringConvertible {
    struct MetricKey: Hashable, Comparable {
        var tenant: String, grain: String, bucket: Int64, game: String, type: String, currency: String
        static func < (a: Self, b: Self) -> Bool {
            (a.tenant, a.grain, a.bucket, a.game, a.type, a.currency) < (b.tenant, b.grain, b.bucket, b.game, b.type, b.currency)
        }
    }
    struct MetricValue: Equatable {
        var events: Int64 = 0, amountMinor: Int64 = 0, sessionDurationMs: Int64 = 0
    }
    struct PlayersKey: Hashable {
        var tenant: String, grain: String, bucket: Int64, game: String
    }
    struct PlayerKey: Hashable {
        var tenant: String, player: String
    }
    struct PlayerValue: Equatable {
        var events: Int64, sessions: Int64, rounds: Int64, firstSeenMicros: Int64, lastSeenMicros: Int64
    }

    var rawEvents = 0
    var metrics: [MetricKey: MetricValue] = [:]
    var activePlayers: [PlayersKey: Int64] = [:]
    var players: [PlayerKey: PlayerValue] = [:]

    static let grains: [(String, Int64)] = [("minute", 60), ("hour", 3600), ("day", 86_400)]

    init() {}

    init(reference events: [PlayerEvent]) {
        rawEvents = events.count
        var seen: [PlayersKey: Set<String>] = [:]
        for event in events {
            let micros = Int64((event.occurredAt.timeIntervalSince1970 * 1_000_000).rounded())
            let seconds = micros / 1_000_000
            for (grain, width) in Self.grains {
                let bucket = seconds - seconds % width
                let key = MetricKey(
                    tenant: event.tenantID, grain: grain, bucket: bucket, game: event.gameID ?? "",
                    type: event.type.rawValue, currency: event.amount?.currency ?? "")
                var value = metrics[key, default: MetricValue()]
                value.events += 1
                value.amountMinor += event.amount?.minor ?? 0
                if event.type == .sessionEnd, case .number(let text) = event.properties.value["duration_ms"] {
                    value.sessionDurationMs += Int64(text)!
                }
                metrics[key] = value
                for game in ["", event.gameID].compactMap({ $0 }) {
                    seen[PlayersKey(tenant: event.tenantID, grain: grain, bucket: bucket, game: game), default: []].insert(event.playerID)
                }
            }
            let playerKey = PlayerKey(tenant: event.tenantID, player: event.playerID)
            var player = players[playerKey] ?? PlayerValue(events: 0, sessions: 0, rounds: 0, firstSeenMicros: micros, lastSeenMicros: micros)
            player.events += 1
            if event.type == .sessionStart { player.sessions += 1 }
            if event.type == .gameRound { player.rounds += 1 }
            player.firstSeenMicros = min(player.firstSeenMicros, micros)
            player.lastSeenMicros = max(player.lastSeenMicros, micros)
            players[playerKey] = player
        }
        activePlayers = seen.mapValues { Int64($0.count) }
    }

    /// The first differences, for a readable failure.
    func differences(from other: Aggregates, limit: Int = 5) -> [String] {
        var found: [String] = []
        if rawEvents != other.rawEvents { found.append("raw events \(rawEvents) vs \(other.rawEvents)") }
        for key in Set(metrics.keys).union(other.metrics.keys).sorted() where metrics[key] != other.metrics[key] {
            found.append("metric \(key): \(String(describing: metrics[key])) vs \(String(describing: other.metrics[key]))")
            if found.count >= limit { return found }
        }
        for key in Set(activePlayers.keys).union(other.activePlayers.keys) where activePlayers[key] != other.activePlayers[key] {
            found.append("active players \(key): \(String(describing: activePlayers[key])) vs \(String(describing: other.activePlayers[key]))")
            if found.count >= limit { return found }
        }
        for key in Set(players.keys).union(other.players.keys) where players[key] != other.players[key] {
            found.append("player \(key): \(String(describing: players[key])) vs \(String(describing: other.players[key]))")
            if found.count >= limit { return found }
        }
        return found
    }

    var description: String {
        "\(rawEvents) raw events, \(metrics.count) metric rows, \(activePlayers.count) active-player rows, \(players.count) players"
    }
}

/// A small deterministic generator (SplitMix64), so a failing corpus can be reproduced.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextUUID() -> UUID {
        let high = next(), low = next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (8 * index))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
