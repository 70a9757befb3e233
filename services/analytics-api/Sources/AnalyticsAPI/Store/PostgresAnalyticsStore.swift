import Foundation
import GameMetricsKit
import Logging
import GameMetricsPostgres
import PostgresNIO

/// Reads the processor's tables. Every read first names its tenant on its connection
/// (`gm.tenant_id`), so row-level security returns that tenant's rows only whatever the SQL
/// says; the SQL filters by tenant as well, for the indexes. `client` is a pool of its own
/// whose connections only read and end each statement at the service's limit
/// (`readOnlyPostgres`): a read is two round trips, where a transaction setting all of it took
/// six (ADR 0031).
struct PostgresAnalyticsStore: AnalyticsStore {
    let client: PostgresClient
    let logger: Logger

    // spanFence: a window's spans joined with `event_metrics` were planned as a hash join over
    // a scan of all the tenant's rows, in parallel workers (63–85 ms over 30 days of history,
    // where the spans hold 3,000 rows); a LATERAL subquery with OFFSET 0 cannot be flattened into
    // that join, so each span is one index range scan (1.8 ms; EXPLAIN ANALYZE in ADR 0031).
    func overviewTotals(tenant: String, window: TimeWindow) async throws -> OverviewTotals {
        let spans = SpanArrays(window.spans)
        return try await scoped(tenant) { connection in
            var currencies: [String: CurrencyTotals] = [:]
            var events = 0.0, sessions = 0.0, sessionEnds = 0.0, sessionMs = 0.0
            let sums = try await connection.query(
                """
                SELECT m.event_type, m.currency, sum(m.events)::float8, sum(m.amount_minor)::float8, sum(m.session_duration_ms)::float8
                  FROM unnest(\(spans.grains)::text[], \(spans.froms)::timestamptz[], \(spans.tos)::timestamptz[]) AS s(grain, lo, hi)
                 CROSS JOIN LATERAL (
                       -- OFFSET 0 keeps one index range scan per span (see spanFence)
                       SELECT m.event_type, m.currency, m.events, m.amount_minor, m.session_duration_ms FROM event_metrics m
                        WHERE m.tenant_id = \(tenant) AND m.grain = s.grain AND m.bucket >= s.lo AND m.bucket < s.hi OFFSET 0
                 ) AS m
                 GROUP BY m.event_type, m.currency
                """, logger: logger)
            for try await (type, currency, count, amount, duration) in sums.decode((String, String, Double, Double, Double).self) {
                events += count
                switch type {
                case "session_start": sessions += count
                case "session_end":
                    sessionEnds += count
                    sessionMs += duration
                default: break
                }
                guard !currency.isEmpty else { continue }
                var totals = currencies[currency] ?? CurrencyTotals(currency: currency, bets: 0, wins: 0, netGamingRevenue: 0, deposits: 0, withdrawals: 0)
                switch type {
                case "bet_placed": totals.bets += amount
                case "bet_settled": totals.wins += amount
                case "deposit": totals.deposits += amount
                case "withdrawal": totals.withdrawals += amount
                default: break
                }
                totals.netGamingRevenue = totals.bets - totals.wins
                currencies[currency] = totals
            }
            return OverviewTotals(
                events: events, sessions: sessions, averageSessionSeconds: sessionEnds > 0 ? sessionMs / sessionEnds / 1_000 : nil,
                currencies: currencies.values.sorted { $0.currency < $1.currency })
        }
    }

    /// Distinct players with a membership in any bucket of the window's spans (the tenant-wide
    /// rows, game ''), exactly, from the processor's `player_bitmaps` (migration 10, ADR 0032):
    /// each bucket's members as bits of their per-tenant ordinals, in chunks of 8,192 players.
    /// Per chunk the bitmaps of the spans' buckets are ORed, and the set bits of the unions summed:
    /// one primary-key range scan per span, a row per bucket and chunk, whatever the players.
    func activePlayers(tenant: String, window: TimeWindow) async throws -> Double {
        let spans = SpanArrays(window.spans)
        return try await scoped(tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT coalesce(sum(bit_count(chunks.bits)), 0)::float8 FROM (
                    SELECT bit_or(b.bits) AS bits
                      FROM unnest(\(spans.grains)::text[], \(spans.froms)::timestamptz[], \(spans.tos)::timestamptz[]) AS s(grain, lo, hi)
                     CROSS JOIN LATERAL (
                           -- OFFSET 0 keeps one index range scan per span (see spanFence)
                           SELECT b.chunk, b.bits FROM player_bitmaps b
                            WHERE b.tenant_id = \(tenant) AND b.grain = s.grain AND b.bucket >= s.lo AND b.bucket < s.hi OFFSET 0
                     ) AS b
                     GROUP BY b.chunk
                ) AS chunks
                """, logger: logger)
            for try await count in rows.decode(Double.self) { return count }
            return 0
        }
    }

    func timeSeries(tenant: String, plan: SeriesPlan, metric: Metric, currency: String?, gameID: String?) async throws -> TimeSeries {
        let from = RFC3339.format(plan.window.from), to = RFC3339.format(plan.window.to)
        let zone = plan.timeZone, unit = plan.truncation, source = plan.source.rawValue
        return try await scoped(tenant) { connection in
            // analytics_buckets (migration 1): the zone's buckets that meet the range, as instants.
            let rows: PostgresRowSequence
            switch metric.reading {
            case .players:
                rows = try await connection.query(
                    """
                    SELECT to_char(k.lo AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), to_char(k.hi AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), count(DISTINCT p.player_id)::float8
                      FROM analytics_buckets(\(from)::timestamptz, \(to)::timestamptz, \(zone), \(unit)) k
                      LEFT JOIN player_activity p ON p.tenant_id = \(tenant) AND p.grain = \(source) AND p.game_id = \(gameID ?? "")
                                                 AND p.bucket >= k.lo AND p.bucket < k.hi
                     GROUP BY k.lo, k.hi ORDER BY k.lo
                    """, logger: logger)
            case .count(let types):
                rows = try await connection.query(
                    """
                    SELECT to_char(k.lo AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), to_char(k.hi AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), coalesce(sum(m.events), 0)::float8
                      FROM analytics_buckets(\(from)::timestamptz, \(to)::timestamptz, \(zone), \(unit)) k
                      LEFT JOIN event_metrics m ON m.tenant_id = \(tenant) AND m.grain = \(source) AND m.bucket >= k.lo AND m.bucket < k.hi
                                               AND (cardinality(\(types)::text[]) = 0 OR m.event_type = ANY(\(types)::text[]))
                                               AND (\(gameID)::text IS NULL OR m.game_id = \(gameID))
                     GROUP BY k.lo, k.hi ORDER BY k.lo
                    """, logger: logger)
            case .amount(let added, let subtracted):
                guard let currency else {
                    throw AnalyticsError(.badArgument, "\(metric.rawValue) is an amount: name its `currency` (ISO 4217, e.g. EUR)")
                }
                rows = try await connection.query(
                    """
                    SELECT to_char(k.lo AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), to_char(k.hi AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                           coalesce(sum(CASE WHEN m.event_type = ANY(\(subtracted)::text[]) THEN -m.amount_minor ELSE m.amount_minor END), 0)::float8
                      FROM analytics_buckets(\(from)::timestamptz, \(to)::timestamptz, \(zone), \(unit)) k
                      LEFT JOIN event_metrics m ON m.tenant_id = \(tenant) AND m.grain = \(source) AND m.bucket >= k.lo AND m.bucket < k.hi
                                               AND m.currency = \(currency) AND m.event_type = ANY(\(added + subtracted)::text[])
                                               AND (\(gameID)::text IS NULL OR m.game_id = \(gameID))
                     GROUP BY k.lo, k.hi ORDER BY k.lo
                    """, logger: logger)
            }
            var points: [SeriesPoint] = []
            var first: String?, last: String?
            for try await (bucket, end, value) in rows.decode((String, String, Double).self) {
                points.append(SeriesPoint(bucket: bucket, value: value))
                first = first ?? bucket
                last = end
            }
            return TimeSeries(
                metric: metric.rawValue, grain: plan.grain.rawValue, timeZone: zone,
                range: AnsweredRange(from: first ?? from, to: last ?? to), sourceGrain: source.uppercased(), points: points)
        }
    }

    func topGames(tenant: String, window: TimeWindow, ranking: GameRanking, currency: String?, first: Int, after: GameCursor?) async throws -> GameConnection {
        if ranking == .revenue && currency == nil {
            throw AnalyticsError(.badArgument, "ranking by REVENUE needs a `currency` (ISO 4217, e.g. EUR)")
        }
        let spans = SpanArrays(window.spans)
        return try await scoped(tenant) { connection in
            let rows = try await connection.query(
                """
                WITH s AS (
                    SELECT * FROM unnest(\(spans.grains)::text[], \(spans.froms)::timestamptz[], \(spans.tos)::timestamptz[]) AS s(grain, lo, hi)
                ), sums AS (
                    SELECT m.game_id,
                           coalesce(sum(m.events) FILTER (WHERE m.event_type = 'game_round'), 0) AS rounds,
                           coalesce(sum(CASE WHEN m.currency <> \(currency ?? "") THEN 0
                                             WHEN m.event_type = 'bet_placed' THEN m.amount_minor
                                             WHEN m.event_type = 'bet_settled' THEN -m.amount_minor ELSE 0 END), 0) AS revenue
                      FROM s CROSS JOIN LATERAL (
                               -- OFFSET 0 keeps one index range scan per span (see spanFence)
                               SELECT m.game_id, m.event_type, m.currency, m.events, m.amount_minor FROM event_metrics m
                                WHERE m.tenant_id = \(tenant) AND m.grain = s.grain AND m.bucket >= s.lo AND m.bucket < s.hi OFFSET 0
                           ) AS m
                     WHERE m.game_id <> ''
                     GROUP BY m.game_id
                ), players AS (
                    SELECT p.game_id, count(DISTINCT p.player_id) AS players
                      FROM s JOIN player_activity p ON p.tenant_id = \(tenant) AND p.grain = s.grain AND p.bucket >= s.lo AND p.bucket < s.hi
                     WHERE p.game_id <> ''
                     GROUP BY p.game_id
                ), ranked AS (
                    SELECT coalesce(sums.game_id, players.game_id) AS game_id, coalesce(players.players, 0)::float8 AS players,
                           coalesce(sums.rounds, 0)::float8 AS rounds, coalesce(sums.revenue, 0)::float8 AS revenue
                      FROM sums FULL JOIN players ON players.game_id = sums.game_id
                ), valued AS (
                    SELECT *, CASE \(ranking.rawValue) WHEN 'PLAYERS' THEN players WHEN 'ROUNDS' THEN rounds ELSE revenue END AS v FROM ranked
                )
                SELECT game_id, players, rounds, revenue, v, (SELECT count(*) FROM valued)::int8
                  FROM valued
                 WHERE \(after?.value)::float8 IS NULL OR v < \(after?.value) OR (v = \(after?.value) AND game_id > \(after?.gameID))
                 ORDER BY v DESC, game_id
                 LIMIT \(first + 1)
                """, logger: logger)
            var edges: [GameEdge] = []
            var total = 0
            for try await (game, players, rounds, revenue, value, count) in rows.decode((String, Double, Double, Double, Double, Int64).self) {
                total = Int(count)
                edges.append(
                    GameEdge(
                        cursor: GameCursor(ranking: ranking, value: value, gameID: game).text,
                        node: GameStats(gameId: game, players: players, rounds: rounds, revenue: revenue)))
            }
            let hasNextPage = edges.count > first
            edges = Array(edges.prefix(first))
            return GameConnection(
                range: window.answered, totalCount: total, edges: edges, pageInfo: PageInfo(hasNextPage: hasNextPage, endCursor: edges.last?.cursor))
        }
    }

    func player(tenant: String, playerID: String, now: Date) async throws -> PlayerSummary? {
        let since = RFC3339.format(TimeWindow.floor(now, .day).addingTimeInterval(-29 * 86_400))
        return try await scoped(tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT s.player_id, to_char(s.first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       to_char(s.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), s.last_event_type, s.last_game_id,
                       s.events::float8, s.sessions::float8, s.rounds::float8,
                       (SELECT count(*) FROM player_activity a WHERE a.tenant_id = s.tenant_id AND a.player_id = s.player_id
                           AND a.grain = 'day' AND a.game_id = '' AND a.bucket >= \(since)::timestamptz)::int8,
                       (SELECT count(DISTINCT a.game_id) FROM player_activity a WHERE a.tenant_id = s.tenant_id AND a.player_id = s.player_id
                           AND a.grain = 'day' AND a.game_id <> '' AND a.bucket >= \(since)::timestamptz)::int8
                  FROM player_state s
                 WHERE s.tenant_id = \(tenant) AND s.player_id = \(playerID)
                """, logger: logger)
            for try await (id, first, last, type, game, events, sessions, rounds, days, games) in rows.decode(
                (String, String, String, String, String?, Double, Double, Double, Int64, Int64).self)
            {
                return PlayerSummary(
                    playerId: id, firstSeenAt: first, lastSeenAt: last, lastEventType: type, lastGameId: game, events: events, sessions: sessions,
                    rounds: rounds, activeDaysLast30: Int(days), gamesLast30: Int(games))
            }
            return nil
        }
    }

    func cohorts(tenant: String, firstDay: Date, days: Int, timeZone: String, now: Date) async throws -> [CohortRow] {
        let startDay = Self.dayText(firstDay)
        // Activity up to 30 days after the last cohort day, in hours so any whole-hour zone's
        // days can be told apart (UTC reads the daily rows).
        let grain = timeZone == "UTC" ? "day" : "hour"
        return try await scoped(tenant) { connection in
            let rows = try await connection.query(
                """
                WITH bounds AS (
                    SELECT (\(startDay)::date)::timestamp AT TIME ZONE \(timeZone) AS lo,
                           ((\(startDay)::date + \(days)::int)::timestamp) AT TIME ZONE \(timeZone) AS hi,
                           ((\(startDay)::date + \(days)::int + 31)::timestamp) AT TIME ZONE \(timeZone) AS activity_hi
                ), cohort AS (
                    SELECT s.player_id, (s.first_seen_at AT TIME ZONE \(timeZone))::date AS day
                      FROM player_state s, bounds b
                     WHERE s.tenant_id = \(tenant) AND s.first_seen_at >= b.lo AND s.first_seen_at < b.hi
                ), activity AS (
                    SELECT DISTINCT a.player_id, (a.bucket AT TIME ZONE \(timeZone))::date AS day
                      FROM player_activity a, bounds b
                     WHERE a.tenant_id = \(tenant) AND a.grain = \(grain) AND a.game_id = '' AND a.bucket >= b.lo AND a.bucket < b.activity_hi
                       AND a.player_id IN (SELECT player_id FROM cohort)
                )
                SELECT to_char(c.day, 'YYYY-MM-DD'), count(*)::int8,
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM activity x WHERE x.player_id = c.player_id AND x.day = c.day + 1))::int8,
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM activity x WHERE x.player_id = c.player_id AND x.day = c.day + 7))::int8,
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM activity x WHERE x.player_id = c.player_id AND x.day = c.day + 30))::int8,
                       to_char((now() AT TIME ZONE \(timeZone))::date, 'YYYY-MM-DD')
                  FROM cohort c
                 GROUP BY c.day ORDER BY c.day
                """, logger: logger)
            var cohorts: [CohortRow] = []
            for try await (day, players, day1, day7, day30, today) in rows.decode((String, Int64, Int64, Int64, Int64, String).self) {
                func share(_ returned: Int64, after offset: Int) -> Double? {
                    guard let cohortDay = Self.day(day), let current = Self.day(today),
                        cohortDay.addingTimeInterval(Double(offset) * 86_400) <= current
                    else { return nil }
                    return players > 0 ? Double(returned) / Double(players) : nil
                }
                cohorts.append(
                    CohortRow(day: day, players: Int(players), day1: share(day1, after: 1), day7: share(day7, after: 7), day30: share(day30, after: 30)))
            }
            return cohorts
        }
    }

    func invalidEvents(tenant: String, window: TimeWindow) async throws -> [InvalidEventCount] {
        let from = RFC3339.format(TimeWindow.floor(window.from, .hour)), to = RFC3339.format(window.to)
        return try await scoped(tenant) { connection in
            let rows = try await connection.query(
                """
                SELECT source, reason, sum(events)::float8 FROM invalid_event_counts
                 WHERE tenant_id = \(tenant) AND hour >= \(from)::timestamptz AND hour < \(to)::timestamptz
                 GROUP BY source, reason ORDER BY 3 DESC, 1, 2
                """, logger: logger)
            var counts: [InvalidEventCount] = []
            for try await (source, reason, events) in rows.decode((String, String, Double).self) {
                counts.append(InvalidEventCount(source: source, reason: reason, events: events))
            }
            return counts
        }
    }

    /// Runs `body` in a read-only transaction scoped to `tenant`, each statement time-limited.
    private func scoped<T: Sendable>(_ tenant: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                // For the session: every read on this pool sets it before its statement, and a
                // failed set sends none.
                _ = try await connection.answeredStatement("SELECT set_config('gm.tenant_id', \(tenant), false)", logger: logger)
                return try await body(connection)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "57014" {
            throw AnalyticsError(.timeout, "the query took longer than the service allows; ask for a shorter range or a coarser grain")
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "22023" {
            // A zone name Foundation knows and PostgreSQL does not (their zone databases differ).
            throw AnalyticsError(.badArgument, "PostgreSQL does not know this time zone: use another IANA name for it")
        }
    }

    static func dayText(_ date: Date) -> String {
        String(RFC3339.format(date).prefix(10))
    }

    static func day(_ text: String) -> Date? {
        RFC3339.parse(text + "T00:00:00Z")
    }
}

/// Spans as three parallel arrays, the form `unnest` takes them in.
struct SpanArrays {
    var grains: [String] = []
    var froms: [String] = []
    var tos: [String] = []

    init(_ spans: [GrainSpan]) {
        for span in spans {
            grains.append(span.grain.rawValue)
            froms.append(RFC3339.format(span.from))
            tos.append(RFC3339.format(span.to))
        }
    }
}
