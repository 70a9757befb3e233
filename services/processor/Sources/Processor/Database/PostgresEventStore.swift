import Foundation
import GameMetricsPostgres
import GameMetricsService
import Logging
import PostgresNIO

/// Writes a batch with COPY into a per-connection staging table, then moves it into
/// `events_raw` and the aggregates with one statement, inside one transaction. The batch is
/// split into `lanes` transactions on as many connections, by Kafka partition: a player's
/// events share a partition, so the lanes never write the same player's rows, and PostgreSQL
/// works on them in parallel. A lane that fails fails the batch, which is then stored again;
/// the lanes that had committed change nothing the second time.
///
/// The tenant-wide rows (`event_metrics`, `active_players`, the tenant's ordinal counter in
/// `player_ordinal_counters`, `player_bitmaps`) are the only rows the lanes share, and an upsert
/// holds its row locks until commit: the storing statement only collects their deltas in
/// per-connection tables, and the transaction adds them to the shared rows as its last step
/// before committing, so a lane waits for another at most for that step (waiting inside the
/// storing statement made the second lane of each batch wait 40% of its time). Every lane locks
/// them in the same order — metrics, active players, counters, bitmaps, each in key order — so
/// lanes (and processors during a rebalance) queue and never deadlock.
///
/// An event is stored once per (tenant, event id) — the first delivery wins — and never when its
/// player was erased after it was ingested (``ErasedSubjects``).
struct PostgresEventStore: EventStore {
    let client: PostgresClient
    let lanes: Int
    let subjects: ErasedSubjects
    /// `GM_PROCESSOR_STORE_TIMEOUT_MS`, enforced by the database on every statement.
    var statementTimeout: Duration = .seconds(60)
    let logger: Logger

    static let stagingColumns = [
        "tenant_id", "event_id", "player_id", "type", "occurred_at", "game_id", "amount_minor", "currency",
        "session_duration_ms", "properties", "ingested_at", "kafka_partition", "kafka_offset", "subject",
    ]

    func store(_ events: [ConsumedEvent]) async throws -> StoredBatch {
        let laneEvents = Self.split(events, lanes: lanes)
        guard laneEvents.count > 1 else { return try await storeLane(events) }
        return try await withThrowingTaskGroup(of: StoredBatch.self) { group in
            for events in laneEvents {
                group.addTask { try await storeLane(events) }
            }
            var batch = StoredBatch.empty
            for try await lane in group {
                batch.newEvents += lane.newEvents
                batch.deltas += lane.deltas
                batch.players += lane.players
            }
            batch.deltas = LiveDelta.merged(batch.deltas)
            return batch
        }
    }

    /// The non-empty groups of events whose Kafka partitions are equal modulo `lanes`.
    static func split(_ events: [ConsumedEvent], lanes: Int) -> [[ConsumedEvent]] {
        guard lanes > 1 else { return [events] }
        var groups = [[ConsumedEvent]](repeating: [], count: lanes)
        for event in events {
            groups[Int(event.partition) % lanes].append(event)
        }
        return groups.filter { !$0.isEmpty }
    }

    /// Publishes the states of the players that are not erased, holding off erasures meanwhile:
    /// an erasure either waits for this publication (and tombstones after it) or is seen by it.
    func publish(_ players: [PlayerSnapshot], _ send: @Sendable ([PlayerSnapshot]) async throws -> Void) async throws {
        guard !players.isEmpty else { return }
        let subjects = players.map { self.subjects.subject(tenantID: $0.tenantID, playerID: $0.playerID) }
        try await ErasedSubjects.withSharedLock(client: client, subjects: subjects, logger: logger) { erased in
            let kept = zip(players, subjects).filter { !erased.contains($0.1) }.map(\.0)
            try await send(kept)
        }
    }

    private func storeLane(_ events: [ConsumedEvent]) async throws -> StoredBatch {
        // PostgreSQL ends a statement stuck on a lock (or a runaway one) after the attempt's limit.
        try await client.withTimedTransaction(statementTimeout: statementTimeout, logger: logger) { connection in
            let batch = try await storeRows(events, on: connection)
            // Last, so the shared rows stay locked only until the commit that follows.
            try await addToSharedAggregates(on: connection)
            return batch
        }
    }

    /// A lane's work in its transaction up to the shared aggregates: the events, their ids, the per-player rows,
    /// the deltas of the tenant-wide aggregates.
    func storeRows(_ events: [ConsumedEvent], on connection: PostgresConnection) async throws -> StoredBatch {
        let rows = copyRows(events)
        // Erasures wait for this transaction, or it sees their record.
        try await ErasedSubjects.holdShared(on: connection, logger: logger)
        for statement in [Self.createStaging, Self.createMetricDeltas, Self.createActivePlayerDeltas, Self.createMembershipDeltas] {
            _ = try await connection.answeredStatement(statement, logger: logger)
        }
        // PostgresNIO's COPY has no such guard; a connection that closed just now fails here instead.
        guard !connection.isClosed else { throw PostgresConnectionClosed() }
        try await connection.copyFrom(table: "incoming_events", columns: Self.stagingColumns, logger: logger) { writer in
            try await writer.write(rows)
        }
        var newEvents = 0
        var deltas: [LiveDelta] = []
        for row in try await connection.answeredStatement(Self.insertAndAggregate, logger: logger) {
            let (tenant, minute, type, currency, count, amount) = try row.decode((String, Date, String, String, Int64, String).self)
            newEvents += Int(count)
            deltas.append(LiveDelta(tenantID: tenant, minute: minute, eventType: type, currency: currency, events: count, amountMinor: amount))
        }
        var players: [PlayerSnapshot] = []
        for row in try await connection.answeredStatement(Self.batchPlayers, logger: logger) {
            let (tenant, player, first, last, type, game, events, sessions, rounds) =
                try row.decode((String, String, Date, Date, String, String?, Int64, Int64, Int64).self)
            players.append(
                PlayerSnapshot(
                    tenantID: tenant, playerID: player, firstSeenAt: first, lastSeenAt: last, lastEventType: type,
                    lastGameID: game, events: events, sessions: sessions, rounds: rounds))
        }
        return StoredBatch(newEvents: newEvents, deltas: deltas, players: players)
    }

    /// Adds the transaction's deltas to the tenant-wide aggregate rows the lanes share. The
    /// bitmaps come in a statement of their own after the ordinals: a statement sees the database
    /// as it began, and the ordinal of a player that a concurrent transaction numbered first (two
    /// processors during a rebalance) is visible only once that transaction committed, which the
    /// ordinals' statement waited for.
    func addToSharedAggregates(on connection: PostgresConnection) async throws {
        for statement in [Self.applyMetricDeltas, Self.applyActivePlayerDeltas, Self.assignOrdinals, Self.applyBitmapDeltas] {
            _ = try await connection.answeredStatement(statement, logger: logger)
        }
    }

    func copyRows(_ events: [ConsumedEvent]) -> ByteBuffer {
        var rows = CopyTextRows(capacity: events.count * 400)
        for consumed in events {
            let event = consumed.event
            rows.append(event.tenantID)
            rows.append(event.eventID.uuidString)
            rows.append(event.playerID)
            rows.append(event.type.rawValue)
            rows.append(event.occurredAt)
            rows.append(event.gameID)
            rows.append(event.amount?.minor)
            rows.append(event.amount?.currency)
            rows.append(consumed.sessionDurationMs)
            rows.append(event.properties.bytes)
            rows.append(consumed.ingestedAt)
            rows.append(Int64(consumed.partition))
            rows.append(consumed.offset)
            rows.appendBytea(subjects.subject(tenantID: event.tenantID, playerID: event.playerID))
            rows.endRow()
        }
        return rows.buffer
    }

    /// Temporary tables belong to one connection; the rows go at commit (or rollback).
    static let createStaging: PostgresQuery = """
        CREATE TEMP TABLE IF NOT EXISTS incoming_events (
            tenant_id text NOT NULL, event_id uuid NOT NULL, player_id text NOT NULL, type text NOT NULL,
            occurred_at timestamptz NOT NULL, game_id text, amount_minor bigint, currency text,
            session_duration_ms bigint, properties jsonb NOT NULL, ingested_at timestamptz,
            kafka_partition integer NOT NULL, kafka_offset bigint NOT NULL, subject bytea NOT NULL
        ) ON COMMIT DELETE ROWS
        """

    /// This transaction's additions to `event_metrics`, one row per key.
    static let createMetricDeltas: PostgresQuery = """
        CREATE TEMP TABLE IF NOT EXISTS metric_deltas (
            tenant_id text NOT NULL, grain text NOT NULL, bucket timestamptz NOT NULL, game_id text NOT NULL,
            event_type text NOT NULL, currency text NOT NULL, events bigint NOT NULL, amount_minor numeric NOT NULL,
            session_duration_ms numeric NOT NULL
        ) ON COMMIT DELETE ROWS
        """

    /// This transaction's additions to `active_players` (its new memberships), one row per key.
    static let createActivePlayerDeltas: PostgresQuery = """
        CREATE TEMP TABLE IF NOT EXISTS active_player_deltas (
            tenant_id text NOT NULL, grain text NOT NULL, bucket timestamptz NOT NULL, game_id text NOT NULL,
            players bigint NOT NULL
        ) ON COMMIT DELETE ROWS
        """

    /// This transaction's new tenant-wide memberships (game ''), for `player_bitmaps`.
    static let createMembershipDeltas: PostgresQuery = """
        CREATE TEMP TABLE IF NOT EXISTS membership_deltas (
            tenant_id text NOT NULL, grain text NOT NULL, bucket timestamptz NOT NULL, player_id text NOT NULL
        ) ON COMMIT DELETE ROWS
        """

    /// `admitted` is the batch without events of erased players (ingested before the erasure)
    /// and with one row per event id (the first delivered); `ids` claims the ids not seen
    /// before, and `fresh` holds only the rows this statement inserted: every aggregate is built
    /// from it. The tenant-wide aggregates go to this transaction's delta tables
    /// (`applyMetricDeltas`, `applyActivePlayerDeltas`, and for the new tenant-wide memberships
    /// `assignOrdinals` and `applyBitmapDeltas`, add them to the shared rows); the
    /// per-player rows (memberships, `player_state`) are written here, in key order. A player is
    /// a member of an hour (day) exactly when it is a member of one of its minutes (hours), so
    /// only the memberships new in a minute try the hour, and only those new in the hour the
    /// day. Returns the per-tenant live deltas.
    static let insertAndAggregate: PostgresQuery = """
        WITH admitted AS (
            SELECT DISTINCT ON (i.tenant_id, i.event_id) i.*
            FROM incoming_events i
            WHERE NOT EXISTS (
                SELECT 1 FROM erased_subjects e
                WHERE e.subject = i.subject AND coalesce(i.ingested_at, '-infinity') <= e.erased_at
            )
            ORDER BY i.tenant_id, i.event_id, i.kafka_partition, i.kafka_offset
        ),
        ids AS (
            INSERT INTO event_ids (tenant_id, event_id)
            SELECT tenant_id, event_id FROM admitted
            ORDER BY 1, 2
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, event_id
        ),
        fresh AS (
            INSERT INTO events_raw (tenant_id, event_id, player_id, type, occurred_at, game_id, amount_minor, currency,
                                    session_duration_ms, properties, ingested_at, kafka_partition, kafka_offset)
            SELECT a.tenant_id, a.event_id, a.player_id, a.type, a.occurred_at, a.game_id, a.amount_minor, a.currency,
                   a.session_duration_ms, a.properties, a.ingested_at, a.kafka_partition, a.kafka_offset
            FROM admitted a JOIN ids USING (tenant_id, event_id)
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, player_id, type, occurred_at, game_id, amount_minor, currency, session_duration_ms
        ),
        bucketed AS (
            SELECT f.*, g.grain, date_trunc(g.grain, f.occurred_at, 'UTC') AS bucket
            FROM fresh f CROSS JOIN (VALUES ('minute'), ('hour'), ('day')) AS g(grain)
        ),
        metrics AS (
            INSERT INTO metric_deltas
                (tenant_id, grain, bucket, game_id, event_type, currency, events, amount_minor, session_duration_ms)
            SELECT tenant_id, grain, bucket, coalesce(game_id, ''), type, coalesce(currency, ''),
                   count(*), coalesce(sum(amount_minor), 0), coalesce(sum(session_duration_ms), 0)
            FROM bucketed
            GROUP BY 1, 2, 3, 4, 5, 6
        ),
        activity_minute AS (
            INSERT INTO player_activity (tenant_id, player_id, grain, bucket, game_id)
            SELECT DISTINCT f.tenant_id, f.player_id, 'minute', date_trunc('minute', f.occurred_at, 'UTC'), scope.game_id
            FROM fresh f CROSS JOIN LATERAL (VALUES (''), (f.game_id)) AS scope(game_id)
            WHERE scope.game_id IS NOT NULL
            ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, player_id, grain, bucket, game_id
        ),
        activity_hour AS (
            INSERT INTO player_activity (tenant_id, player_id, grain, bucket, game_id)
            SELECT DISTINCT tenant_id, player_id, 'hour', date_trunc('hour', bucket, 'UTC'), game_id
            FROM activity_minute
            ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, player_id, grain, bucket, game_id
        ),
        activity_day AS (
            INSERT INTO player_activity (tenant_id, player_id, grain, bucket, game_id)
            SELECT DISTINCT tenant_id, player_id, 'day', date_trunc('day', bucket, 'UTC'), game_id
            FROM activity_hour
            ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, player_id, grain, bucket, game_id
        ),
        activity AS (
            SELECT * FROM activity_minute UNION ALL SELECT * FROM activity_hour UNION ALL SELECT * FROM activity_day
        ),
        players AS (
            INSERT INTO active_player_deltas (tenant_id, grain, bucket, game_id, players)
            SELECT tenant_id, grain, bucket, game_id, count(*)
            FROM activity
            GROUP BY 1, 2, 3, 4
        ),
        memberships AS (
            INSERT INTO membership_deltas (tenant_id, grain, bucket, player_id)
            SELECT tenant_id, grain, bucket, player_id FROM activity WHERE game_id = ''
        ),
        state AS (
            INSERT INTO player_state AS p
                (tenant_id, player_id, first_seen_at, last_seen_at, last_event_type, last_game_id, events, sessions, rounds)
            SELECT tenant_id, player_id, min(occurred_at), max(occurred_at),
                   (array_agg(type ORDER BY occurred_at DESC))[1],
                   (array_agg(game_id ORDER BY occurred_at DESC))[1],
                   count(*), count(*) FILTER (WHERE type = 'session_start'), count(*) FILTER (WHERE type = 'game_round')
            FROM fresh
            GROUP BY tenant_id, player_id
            ORDER BY tenant_id, player_id
            ON CONFLICT (tenant_id, player_id) DO UPDATE SET
                first_seen_at = least(p.first_seen_at, excluded.first_seen_at),
                last_seen_at = greatest(p.last_seen_at, excluded.last_seen_at),
                last_event_type = CASE WHEN excluded.last_seen_at >= p.last_seen_at
                                       THEN excluded.last_event_type ELSE p.last_event_type END,
                last_game_id = CASE WHEN excluded.last_seen_at >= p.last_seen_at
                                    THEN excluded.last_game_id ELSE p.last_game_id END,
                events = p.events + excluded.events,
                sessions = p.sessions + excluded.sessions,
                rounds = p.rounds + excluded.rounds,
                updated_at = now()
        )
        SELECT tenant_id, date_trunc('minute', occurred_at, 'UTC'), type, coalesce(currency, ''),
               count(*), coalesce(sum(amount_minor), 0)::text
        FROM fresh
        GROUP BY 1, 2, 3, 4
        """

    /// Adds the transaction's metric deltas to the shared rows. Upserts take their row locks in
    /// key order, so two lanes or processors (during a rebalance) updating the same buckets wait
    /// for each other instead of deadlocking.
    static let applyMetricDeltas: PostgresQuery = """
        INSERT INTO event_metrics AS m
            (tenant_id, grain, bucket, game_id, event_type, currency, events, amount_minor, session_duration_ms)
        SELECT tenant_id, grain, bucket, game_id, event_type, currency, events, amount_minor, session_duration_ms
        FROM metric_deltas
        ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (tenant_id, grain, bucket, game_id, event_type, currency) DO UPDATE
        SET events = m.events + excluded.events,
            amount_minor = m.amount_minor + excluded.amount_minor,
            session_duration_ms = m.session_duration_ms + excluded.session_duration_ms
        """

    /// Adds the transaction's new memberships to the shared counts, in key order (see above).
    static let applyActivePlayerDeltas: PostgresQuery = """
        INSERT INTO active_players AS a (tenant_id, grain, bucket, game_id, players)
        SELECT tenant_id, grain, bucket, game_id, players
        FROM active_player_deltas
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (tenant_id, grain, bucket, game_id) DO UPDATE SET players = a.players + excluded.players
        """

    /// Numbers the players of the transaction's new memberships that have no ordinal yet: the
    /// tenant's counter grows by as many (its row is locked in tenant order, after the aggregates
    /// above), and they take the numbers below its new value, in player order. A player numbered
    /// meanwhile by a concurrent transaction keeps that number (its number here stays unused).
    static let assignOrdinals: PostgresQuery = """
        WITH new AS (
            SELECT DISTINCT d.tenant_id, d.player_id
              FROM membership_deltas d
             WHERE NOT EXISTS (SELECT 1 FROM player_ordinals o WHERE o.tenant_id = d.tenant_id AND o.player_id = d.player_id)
        ),
        added AS (
            SELECT tenant_id, count(*)::integer AS players FROM new GROUP BY tenant_id
        ),
        counters AS (
            INSERT INTO player_ordinal_counters AS c (tenant_id, next_ordinal)
            SELECT tenant_id, players FROM added
            ORDER BY tenant_id
            ON CONFLICT (tenant_id) DO UPDATE SET next_ordinal = c.next_ordinal + excluded.next_ordinal
            RETURNING tenant_id, next_ordinal
        )
        INSERT INTO player_ordinals (tenant_id, player_id, ordinal)
        SELECT n.tenant_id, n.player_id,
               c.next_ordinal - a.players - 1 + (row_number() OVER (PARTITION BY n.tenant_id ORDER BY n.player_id))::integer
          FROM new n JOIN added a USING (tenant_id) JOIN counters c USING (tenant_id)
         ORDER BY 1, 2
        ON CONFLICT (tenant_id, player_id) DO NOTHING
        """

    /// ORs the transaction's new memberships into the tenant's bitmaps, in key order (see above).
    /// OR is idempotent: a membership already there changes nothing.
    static let applyBitmapDeltas: PostgresQuery = """
        INSERT INTO player_bitmaps AS b (tenant_id, grain, bucket, chunk, bits)
        SELECT d.tenant_id, d.grain, d.bucket, o.ordinal / 8192, bit_or(set_bit(0::bit(8192), o.ordinal % 8192, 1))
          FROM membership_deltas d JOIN player_ordinals o USING (tenant_id, player_id)
         GROUP BY 1, 2, 3, 4
         ORDER BY 1, 2, 3, 4
        ON CONFLICT (tenant_id, grain, bucket, chunk) DO UPDATE SET bits = b.bits | excluded.bits
        """

    /// Every player of the batch, as stored after this transaction's changes.
    static let batchPlayers: PostgresQuery = """
        SELECT p.tenant_id, p.player_id, p.first_seen_at, p.last_seen_at, p.last_event_type, p.last_game_id,
               p.events, p.sessions, p.rounds
        FROM player_state p
        JOIN (SELECT DISTINCT tenant_id, player_id FROM incoming_events) AS batch USING (tenant_id, player_id)
        """
}
