import Foundation
import GameMetricsKit

/// Events of one tenant laid out so that every query has something to find, and the answers
/// computed here from the events alone, independently of the SQL under test.
struct EventFixture: Sendable {
    let tenant: String
    let events: [PlayerEvent]

    /// `scale` multiplies amounts, so two tenants' numbers never coincide.
    init(tenant: String, players: Int, scale: Int64, today: Date) {
        self.tenant = tenant
        var events: [PlayerEvent] = []
        let day = 86_400.0
        let firstDay = today.addingTimeInterval(-40 * day)
        func add(_ player: Int, _ type: EventType, _ at: Date, game: Int? = nil, amount: Money? = nil, duration: Int? = nil) {
            events.append(
                PlayerEvent(
                    eventID: UUID(), tenantID: tenant, playerID: "p\(player)", type: type, occurredAt: at, gameID: game.map { "g\($0)" }, amount: amount,
                    properties: duration.map { EventProperties(["duration_ms": .number(String($0))]) } ?? .empty))
        }
        for player in 0..<players {
            let first = player % 10
            var days = [first]
            if player % 2 == 0 { days.append(first + 1) }
            if player % 3 == 0 { days.append(first + 7) }
            if player % 5 == 0 { days.append(first + 30) }
            for (index, offset) in days.enumerated() {
                // 10:00 UTC plus a few minutes per player: inside one UTC hour per day.
                let start = firstDay.addingTimeInterval(Double(offset) * day + 10 * 3_600 + Double(player % 50) * 60)
                let game = (player + index) % 3
                add(player, .sessionStart, start)
                add(player, .gameRound, start.addingTimeInterval(5), game: game)
                add(player, .betPlaced, start.addingTimeInterval(6), game: game, amount: Money(minor: 100 * scale * Int64(player + 1), currency: "EUR"))
                add(player, .betSettled, start.addingTimeInterval(7), game: game, amount: Money(minor: 40 * scale * Int64(player), currency: "EUR"))
                if player % 4 == 0 { add(player, .deposit, start.addingTimeInterval(8), amount: Money(minor: 1_000 * scale, currency: "USD")) }
                add(player, .sessionEnd, start.addingTimeInterval(9), duration: 60_000 * (player + 1))
            }
            // Recent play: yesterday evening UTC, spread over minutes (Asia/Kolkata's hours are
            // half past UTC's, so they split these).
            let recent = today.addingTimeInterval(-day + 17 * 3_600 + Double(player * 7 % 120) * 60)
            add(player, .gameRound, recent, game: player % 3)
            add(player, .betPlaced, recent.addingTimeInterval(1), game: player % 3, amount: Money(minor: 10 * scale, currency: "EUR"))
        }
        self.events = events
    }

    func within(_ from: Date, _ to: Date) -> [PlayerEvent] { events.filter { $0.occurredAt >= from && $0.occurredAt < to } }

    func players(_ from: Date, _ to: Date) -> Int { Set(within(from, to).map(\.playerID)).count }

    func amount(_ type: EventType, _ currency: String, _ from: Date, _ to: Date, game: String? = nil) -> Double {
        Double(within(from, to).filter { $0.type == type && $0.amount?.currency == currency && (game == nil || $0.gameID == game) }.reduce(0) { $0 + ($1.amount?.minor ?? 0) })
    }

    func count(_ type: EventType, _ from: Date, _ to: Date) -> Int { within(from, to).filter { $0.type == type }.count }

    /// Average reported session length in seconds over session_end events.
    func averageSessionSeconds(_ from: Date, _ to: Date) -> Double? {
        let ends = within(from, to).filter { $0.type == .sessionEnd }
        guard !ends.isEmpty else { return nil }
        let total = ends.reduce(0.0) { sum, event in
            guard case .number(let text)? = event.properties.value["duration_ms"] else { return sum }
            return sum + (Double(text) ?? 0)
        }
        return total / Double(ends.count) / 1_000
    }

    /// Buckets of `seconds` length offset by `offset` seconds from UTC (a whole-offset zone's local
    /// hours or days), each to its value, over [from, to).
    func buckets(_ from: Date, _ to: Date, seconds: Double, offset: Double = 0, value: ([PlayerEvent]) -> Double) -> [(Date, Double)] {
        func start(_ date: Date) -> Date {
            Date(timeIntervalSince1970: ((date.timeIntervalSince1970 + offset) / seconds).rounded(.down) * seconds - offset)
        }
        var result: [(Date, Double)] = []
        var bucket = start(from)
        while bucket < to {
            let end = bucket.addingTimeInterval(seconds)
            result.append((bucket, value(within(bucket, end))))
            bucket = end
        }
        return result
    }

    /// The retention table: players by UTC day of their first event, and those seen N days later.
    func cohorts(firstDay: Date, days: Int) -> [(day: Date, players: Int, returned: [Int: Int])] {
        let dayLength = 86_400.0
        func dayOf(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 / dayLength).rounded(.down) * dayLength) }
        var firstSeen: [String: Date] = [:]
        var seenOn: [String: Set<Date>] = [:]
        for event in events {
            firstSeen[event.playerID] = min(firstSeen[event.playerID] ?? .distantFuture, event.occurredAt)
            seenOn[event.playerID, default: []].insert(dayOf(event.occurredAt))
        }
        return (0..<days).compactMap { index in
            let day = firstDay.addingTimeInterval(Double(index) * dayLength)
            let cohort = firstSeen.filter { dayOf($0.value) == day }.map(\.key)
            guard !cohort.isEmpty else { return nil }
            var returned: [Int: Int] = [:]
            for offset in [1, 7, 30] {
                returned[offset] = cohort.filter { seenOn[$0]?.contains(day.addingTimeInterval(Double(offset) * dayLength)) == true }.count
            }
            return (day, cohort.count, returned)
        }
    }
}
