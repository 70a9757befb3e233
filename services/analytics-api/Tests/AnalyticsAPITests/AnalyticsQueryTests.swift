import Foundation
import GameMetricsKit
import GameMetricsTesting
import PostgresNIO
import Redis
import Testing

@testable import AnalyticsAPI

/// Every query against a fixture whose answers are computed from the events themselves (not by
/// SQL), stored by the real processor; and one tenant never sees another's numbers, by query,
/// by cache, or by the database itself.
@Suite("analytics-api answers from the processor's tables", .timeLimit(.minutes(10)))
struct AnalyticsQueryTests {
    static let day = 86_400.0

    static func text(_ date: Date) -> String { RFC3339.format(date) }

    @Test("overview, time series in three zones, top games with cursors, a player and the cohorts equal answers computed from the events")
    func queriesEqualTheReference() async throws {
        let today = TimeWindow.floor(Date(), .day)
        let a = EventFixture(tenant: AnalyticsFixture.tenantA, players: 30, scale: 1, today: today)
        let b = EventFixture(tenant: AnalyticsFixture.tenantB, players: 12, scale: 1_000, today: today)
        try await AnalyticsFixture.run { fixture in
            try await fixture.produce(a.events + b.events)
            try await fixture.withServices { api in
                try await fixture.waitForStoredEvents(a.events.count + b.events.count)
                let token = try await fixture.user.adminToken()
                let from = today.addingTimeInterval(-40 * Self.day), to = today

                // Overview.
                let overview = try await api.graphQL(
                    """
                    query($f: String!, $t: String!) { overview(from: $f, to: $t) { range { from to } events activePlayers dailyActivePlayers
                      weeklyActivePlayers monthlyActivePlayers sessions averageSessionSeconds
                      currencies { currency bets wins netGamingRevenue deposits withdrawals } } }
                    """, variables: ["f": Self.text(from), "t": Self.text(to)], token: token)
                #expect(overview.status == .ok && overview.errors.isEmpty, "\(overview.text)")
                let o = try #require(overview.data["overview"] as? [String: Any])
                #expect(o["events"] as? Double == Double(a.within(from, to).count))
                #expect(o["activePlayers"] as? Double == Double(a.players(from, to)))
                #expect(o["dailyActivePlayers"] as? Double == Double(a.players(to.addingTimeInterval(-Self.day), to)))
                #expect(o["weeklyActivePlayers"] as? Double == Double(a.players(to.addingTimeInterval(-7 * Self.day), to)))
                #expect(o["monthlyActivePlayers"] as? Double == Double(a.players(to.addingTimeInterval(-30 * Self.day), to)))
                #expect(o["sessions"] as? Double == Double(a.count(.sessionStart, from, to)))
                #expect(abs((o["averageSessionSeconds"] as? Double ?? -1) - (a.averageSessionSeconds(from, to) ?? -2)) < 1e-6)
                let currencies = try #require(o["currencies"] as? [[String: Any]])
                let eur = try #require(currencies.first { $0["currency"] as? String == "EUR" })
                #expect(eur["bets"] as? Double == a.amount(.betPlaced, "EUR", from, to))
                #expect(eur["wins"] as? Double == a.amount(.betSettled, "EUR", from, to))
                #expect(eur["netGamingRevenue"] as? Double == a.amount(.betPlaced, "EUR", from, to) - a.amount(.betSettled, "EUR", from, to))
                let usd = try #require(currencies.first { $0["currency"] as? String == "USD" })
                #expect(usd["deposits"] as? Double == a.amount(.deposit, "USD", from, to))
                #expect(usd["withdrawals"] as? Double == 0)

                // A range that does not start on a whole hour is answered to the minute, and only
                // the fields asked for are read: one distinct count, not the daily, weekly and monthly ones.
                let redis = RedisClient(configuration: try RedisConfiguration(url: fixture.redisURL))
                let countsKeys = "gm:analytics-api:{\(AnalyticsFixture.tenantA)}:answer:*:activePlayers:*"
                let countsBefore = (try await redis.execute(["KEYS", countsKeys]).array ?? []).count
                let recentFrom = today.addingTimeInterval(-Self.day + 17 * 3_600 + 23 * 60), recentTo = today.addingTimeInterval(-Self.day + 18 * 3_600 + 41 * 60)
                let partial = try await api.graphQL(
                    "query($f: String!, $t: String!) { overview(from: $f, to: $t) { events activePlayers } }",
                    variables: ["f": Self.text(recentFrom), "t": Self.text(recentTo)], token: token)
                let p = try #require(partial.data["overview"] as? [String: Any], "\(partial.text)")
                #expect(p["events"] as? Double == Double(a.within(recentFrom, recentTo).count))
                #expect(p["activePlayers"] as? Double == Double(a.players(recentFrom, recentTo)))
                #expect((try await redis.execute(["KEYS", countsKeys]).array ?? []).count == countsBefore + 1, "one distinct count read")
                await redis.shutdown()

                // Daily events in UTC, every day present (gaps as 0).
                let daily = try await series(api, token, metric: "EVENTS", grain: "DAY", zone: "UTC", from: from, to: to)
                #expect(daily.source == "DAY")
                let dailyReference = a.buckets(from, to, seconds: Self.day) { Double($0.count) }
                #expect(daily.points.map(\.0) == dailyReference.map(\.0))
                #expect(daily.points.map(\.1) == dailyReference.map(\.1))
                #expect(daily.points.contains { $0.1 == 0 })

                // Hourly players in Asia/Kolkata (+05:30): from the per-minute memberships.
                let recent = (today.addingTimeInterval(-Self.day), today)
                let kolkata = try await series(api, token, metric: "ACTIVE_PLAYERS", grain: "HOUR", zone: "Asia/Kolkata", from: recent.0, to: recent.1)
                #expect(kolkata.source == "MINUTE")
                let kolkataReference = a.buckets(recent.0, recent.1, seconds: 3_600, offset: 5.5 * 3_600) { Double(Set($0.map(\.playerID)).count) }
                #expect(kolkata.points.map(\.0) == kolkataReference.map(\.0))
                #expect(kolkata.points.map(\.1) == kolkataReference.map(\.1))

                // Daily net gaming revenue in Europe/Malta (+01:00 in this season): from the hours.
                let malta = try await series(api, token, metric: "NET_GAMING_REVENUE", grain: "DAY", zone: "Europe/Malta", from: from, to: to, currency: "EUR")
                let maltaOffset = Double(TimeZone(identifier: "Europe/Malta")!.secondsFromGMT(for: from))
                #expect(malta.source == (maltaOffset == 0 ? "DAY" : "HOUR"))
                let maltaReference = a.buckets(from, to, seconds: Self.day, offset: maltaOffset) { events in
                    Double(
                        events.reduce(Int64(0)) { sum, event in
                            guard event.amount?.currency == "EUR" else { return sum }
                            return sum + (event.type == .betPlaced ? event.amount!.minor : event.type == .betSettled ? -event.amount!.minor : 0)
                        })
                }
                #expect(malta.points.map(\.0) == maltaReference.map(\.0))
                #expect(malta.points.map(\.1) == maltaReference.map(\.1))

                // Top games by players, two pages.
                var games: [[String: Any]] = []
                var after: String? = nil
                repeat {
                    var variables: [String: Any] = ["f": Self.text(from), "t": Self.text(to)]
                    if let after { variables["a"] = after }
                    let page = try await api.graphQL(
                        """
                        query($f: String!, $t: String!, $a: String) { topGames(by: PLAYERS, from: $f, to: $t, currency: "EUR", first: 2, after: $a) {
                          totalCount edges { cursor node { gameId players rounds revenue } } pageInfo { hasNextPage endCursor } } }
                        """, variables: variables, token: token)
                    let connection = try #require(page.data["topGames"] as? [String: Any], "\(page.text)")
                    #expect(connection["totalCount"] as? Int == 3)
                    games += try #require(connection["edges"] as? [[String: Any]]).compactMap { $0["node"] as? [String: Any] }
                    let info = try #require(connection["pageInfo"] as? [String: Any])
                    after = (info["hasNextPage"] as? Bool == true) ? info["endCursor"] as? String : nil
                } while after != nil
                let reference = (0..<3).map { index -> (String, Double, Double, Double) in
                    let game = "g\(index)"
                    let events = a.within(from, to).filter { $0.gameID == game }
                    return (
                        game, Double(Set(events.map(\.playerID)).count), Double(events.filter { $0.type == .gameRound }.count),
                        a.amount(.betPlaced, "EUR", from, to, game: game) - a.amount(.betSettled, "EUR", from, to, game: game)
                    )
                }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
                #expect(games.map { $0["gameId"] as? String } == reference.map(\.0))
                #expect(games.map { $0["players"] as? Double } == reference.map(\.1))
                #expect(games.map { $0["rounds"] as? Double } == reference.map(\.2))
                #expect(games.map { $0["revenue"] as? Double } == reference.map(\.3))

                // One player.
                let player = try await api.graphQL(
                    "{ player(playerId: \"p3\") { playerId events sessions rounds firstSeenAt lastSeenAt activeDaysLast30 gamesLast30 } }", token: token)
                let summary = try #require(player.data["player"] as? [String: Any], "\(player.text)")
                let p3 = a.events.filter { $0.playerID == "p3" }
                #expect(summary["events"] as? Double == Double(p3.count))
                #expect(summary["sessions"] as? Double == Double(p3.filter { $0.type == .sessionStart }.count))
                #expect(summary["rounds"] as? Double == Double(p3.filter { $0.type == .gameRound }.count))
                #expect(RFC3339.parse(summary["firstSeenAt"] as? String ?? "") == p3.map(\.occurredAt).min())
                let since = today.addingTimeInterval(-29 * Self.day)
                let recentP3 = p3.filter { $0.occurredAt >= since }
                #expect(summary["activeDaysLast30"] as? Int == Set(recentP3.map { TimeWindow.floor($0.occurredAt, .day) }).count)
                #expect(summary["gamesLast30"] as? Int == Set(recentP3.compactMap(\.gameID)).count)
                let nobody = try await api.graphQL("{ player(playerId: \"nobody\") { playerId } }", token: token)
                #expect(nobody.errors.isEmpty && nobody.data["player"] is NSNull, "\(nobody.text)")

                // Retention cohorts.
                let cohorts = try await api.graphQL(
                    "query($d: String!) { retentionCohorts(firstDay: $d, days: 10) { day players day1 day7 day30 } }",
                    variables: ["d": String(Self.text(from).prefix(10))], token: token)
                let rows = try #require(cohorts.data["retentionCohorts"] as? [[String: Any]], "\(cohorts.text)")
                let expected = a.cohorts(firstDay: from, days: 10)
                #expect(rows.map { $0["day"] as? String } == expected.map { String(Self.text($0.day).prefix(10)) })
                #expect(rows.map { $0["players"] as? Int } == expected.map(\.players))
                for (row, reference) in zip(rows, expected) {
                    for (field, offset) in [("day1", 1), ("day7", 7), ("day30", 30)] {
                        #expect(row[field] as? Double == Double(reference.returned[offset]!) / Double(reference.players), "\(field) of \(reference.day)")
                    }
                }
            }
        }
    }

    /// One series' buckets (as dates) and values, and the grain that answered.
    func series(
        _ api: AnalyticsClient, _ token: String, metric: String, grain: String, zone: String, from: Date, to: Date, currency: String? = nil
    ) async throws -> (source: String, points: [(Date, Double)]) {
        var variables: [String: Any] = ["f": Self.text(from), "t": Self.text(to), "z": zone]
        if let currency { variables["c"] = currency }
        let answer = try await api.graphQL(
            """
            query($f: String!, $t: String!, $z: String!, $c: String) { timeSeries(metric: \(metric), grain: \(grain), from: $f, to: $t, timeZone: $z, currency: $c) {
              sourceGrain points { bucket value } } }
            """, variables: variables, token: token)
        let series = try #require(answer.data["timeSeries"] as? [String: Any], "\(answer.text)")
        let points = try #require(series["points"] as? [[String: Any]]).map { point in
            (RFC3339.parse(point["bucket"] as? String ?? "") ?? .distantPast, point["value"] as? Double ?? -1)
        }
        return (series["sourceGrain"] as? String ?? "", points)
    }
}
