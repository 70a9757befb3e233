import Foundation
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import GameMetricsTesting
import PostgresNIO
import Testing

@testable import Processor

/// Each service connects as its own PostgreSQL role holding only what `db/roles.sql` grants it;
/// the owner of the schema runs the migrations. A role that leaks reaches its own tables, never
/// another service's, never the signing keys.
@Suite("each service's database role reaches only what the grants file gives it")
struct ServiceRoleGrantsTests {
    @Test("no service role owns a table, is a superuser, or may create roles or databases")
    func serviceRolesOwnNothing() async throws {
        try await ServiceRoleDatabase.run { database in
            let names = ServiceRoleDatabase.Role.allCases.map { "gm_\($0.rawValue)" }
            try await database.asOwner { client in
                let rows = try await client.query(
                    "SELECT rolname, rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls FROM pg_roles WHERE rolname = ANY(\(names))",
                    logger: database.logger
                ).collect()
                #expect(rows.count == names.count, "every service role exists")
                for row in rows {
                    let (name, powerful) = try row.decode((String, Bool).self)
                    #expect(!powerful, "\(name) must not be a superuser, create roles or databases, or bypass row-level security")
                }
                let owned = try await client.query(
                    "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = ANY(\(names))",
                    logger: database.logger
                ).collect()
                #expect(owned.isEmpty, "tables owned by a service role: \(owned.map { try? $0.decode(String.self) })")
            }
        }
    }

    @Test("every table the migrations create is granted to some service role: a new table needs its line in db/roles.sql")
    func everyTableIsGranted() async throws {
        try await ServiceRoleDatabase.run { database in
            let names = ServiceRoleDatabase.Role.allCases.map { "gm_\($0.rawValue)" }
            try await database.asOwner { client in
                let rows = try await client.query(
                    """
                    SELECT c.relname FROM pg_class c
                     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                       AND NOT EXISTS (
                           SELECT 1 FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
                             JOIN pg_roles r ON r.oid = a.grantee
                            WHERE r.rolname = ANY(\(names)))
                     ORDER BY 1
                    """, logger: database.logger
                ).collect()
                let ungranted = try rows.map { try $0.decode(String.self) }
                #expect(ungranted.isEmpty, "tables no service may use (add them to db/roles.sql): \(ungranted)")
            }
        }
    }

    @Test("the processor stores events, stages them in temp tables and creates partitions through the owner's function; it cannot drop tables, create partitions itself or read signing keys")
    func processorRole() async throws {
        try await ServiceRoleDatabase.run { database in
            try await database.as(.processor) { client in
                // At start the service runs its migrations as its own role: nothing pending, nothing to create.
                let report = try await MigrationRunner(
                    client: client, migrations: ProcessorMigrations.all, logger: database.logger, table: ProcessorMigrations.table
                ).migrate()
                #expect(report.applied.isEmpty)
                // A version started before its `migrate` step stops at start instead of running on an old schema.
                let unapplied = ProcessorMigrations.all + [Migration(version: 999, name: "not_yet_migrated", statements: ["CREATE TABLE later (x int)"])]
                let refusal = await #expect(throws: MigrationError.self) {
                    try await MigrationRunner(client: client, migrations: unapplied, logger: database.logger, table: ProcessorMigrations.table).migrate()
                }
                #expect(refusal?.description.contains("GM_PG_MIGRATION_URL") == true, "the error says what to do: \(String(describing: refusal))")
                // The real store (COPY into a temp staging table, event ids, aggregates) and eraser.
                let subjects = try ErasedSubjects(key: Array(repeating: 7, count: 32))
                let store = PostgresEventStore(client: client, lanes: 2, subjects: subjects, logger: database.logger)
                let events = (0..<4).map { index in
                    ConsumedEvent(
                        event: PlayerEvent(eventID: UUID(), tenantID: "t1", playerID: "p\(index % 2)", type: .levelUp, occurredAt: Date(), gameID: "slots-1"),
                        sessionDurationMs: nil, ingestedAt: Date(), partition: Int32(index % 2), offset: Int64(index))
                }
                _ = try await store.store(events)
                let stored = try await client.query("SELECT count(*)::bigint FROM events_raw", logger: database.logger).collect()
                #expect(try stored.first?.decode(Int64.self) == 4)
                // What the erasure participant runs in its transaction: its ledger, the erased subject, the delete.
                let request = ErasureRequested(requestID: UUID(), tenantID: "t1", playerID: "p0", requestedAt: Date(), requestedBy: "test")
                let erased = try await client.withTransaction(logger: database.logger) { connection in
                    try await connection.query(
                        "INSERT INTO erasure_ledger_processor (request_id, erased_at) VALUES (\(request.requestID), now())", logger: database.logger)
                    try await subjects.record(tenantID: "t1", playerID: "p0", on: connection, logger: database.logger)
                    return try await PlayerDataEraser.erase(request, on: connection, logger: database.logger)
                }
                #expect(erased["events_raw"] == 2, "\(erased)")
                // Its ordinal and its bits went with it (migration 10's tables, under its own policy).
                #expect(erased["player_ordinals"] == 1 && erased["player_bitmaps"] ?? 0 >= 3, "\(erased)")
                let left = try await client.query(
                    "SELECT (SELECT sum(bit_count(bits)) FROM player_bitmaps)::bigint, (SELECT count(*) FROM player_activity WHERE game_id = '')::bigint",
                    logger: database.logger
                ).collect()
                let (bits, memberships) = try #require(try left.first?.decode((Int64, Int64).self))
                #expect(bits == memberships && memberships >= 3, "p1's bits in its minute, hour and day: \(bits) bits, \(memberships) memberships")
                _ = try await client.withConnection { connection in
                    try await connection.query("CREATE TEMP TABLE staging (x int)", logger: database.logger)
                }
                // The processor's own partition keeper, as the processor's role.
                try await DailyPartitions(client: client, daysAhead: 3, logger: database.logger).ensure()
                let ahead = "events_raw_p" + DailyPartitions.day(Date(), offset: 3).compact
                let exists = try await client.query("SELECT to_regclass(\(ahead)) IS NOT NULL", logger: database.logger).collect()
                #expect(try exists.first?.decode(Bool.self) == true, "the partition three days ahead exists")

                await database.expectCommonDenials(on: client)
                await database.expectDenied(
                    "CREATE TABLE events_raw_p20991231 PARTITION OF events_raw FOR VALUES FROM ('2099-12-31') TO ('2100-01-01')",
                    on: client, "creating a partition directly")
                await database.expectDenied(PostgresQuery(unsafeSQL: "DROP TABLE \(ahead)"), on: client, "dropping a partition directly")
                await database.expectDenied("SELECT drop_events_raw_partition(current_date - 30)", on: client, "calling retention's drop function")
                await database.expectDenied("SELECT id FROM tenants", on: client, "reading the user service's tenants")
                await database.expectDenied("SELECT seq FROM audit_log", on: client, "reading the audit log")
            }
        }
    }

    @Test("the user service uses its own tables and only appends to the audit log; it cannot read the processor's tables")
    func userRole() async throws {
        try await ServiceRoleDatabase.run { database in
            // At start the service checks its migrations as its own role: nothing pending, nothing to create.
            let check = try await ChildProcess.run(
                try TestServers.value("GM_TEST_USER_BIN"), ["migrate"], environment: [MigrateCommand.variable: try database.url(of: .user).absoluteString])
            #expect(check.status == 0 && check.output.contains("0 migration(s) applied"), "user migrate as gm_user: \(check.output)")
            try await database.as(.user) { client in
                try await database.run("INSERT INTO signing_keys (kid, private_key_pem) VALUES ('k1', 'pem')", on: client)
                try await database.run("UPDATE signing_keys SET retired_at = now() WHERE kid = 'k1'", on: client)
                try await database.run("INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')", on: client)
                try await client.withTransaction(logger: database.logger) { connection in
                    try await connection.query("SELECT set_config('gm.tenant_id', 'acme', true)", logger: database.logger)
                    try await connection.query(
                        """
                        INSERT INTO audit_log (prev_hash, hash, actor, action, subject, tenant_id, at)
                        VALUES (repeat('0', 64), repeat('1', 64), 'test', 'test', 'p1', 'acme', now())
                        """, logger: database.logger)
                    _ = try await connection.query("SELECT count(*) FROM audit_log", logger: database.logger).collect()
                }
                await database.expectDenied("UPDATE audit_log SET actor = 'forged'", on: client, "rewriting the audit log")
                await database.expectDenied("DELETE FROM audit_log", on: client, "deleting from the audit log")
                await database.expectDenied("TRUNCATE audit_log", on: client, "truncating the audit log")
                await database.expectDenied("SELECT count(*) FROM events_raw", on: client, "reading the processor's raw events")
                await database.expectDenied("SELECT count(*) FROM player_state", on: client, "reading the processor's player state")
                try await database.run("INSERT INTO erasure_ledger_user (request_id, erased_at) VALUES (gen_random_uuid(), now())", on: client)
                await database.expectDenied("SELECT count(*) FROM erasure_ledger_processor", on: client, "reading the processor's erasure ledger")
                await database.expectDenied("CREATE TABLE intruder (x int)", on: client, "creating a table")
                await database.expectDenied("DROP TABLE signing_keys", on: client, "dropping its own table")
                await database.expectDenied("CREATE TEMP TABLE staging (x int)", on: client, "creating temp tables")
            }
        }
    }

    @Test("analytics-api reads the processor's time series, player bitmaps and player state, nothing else; never which player has which ordinal")
    func analyticsRole() async throws {
        try await ServiceRoleDatabase.run { database in
            try await database.as(.analyticsAPI) { client in
                for table in ["event_metrics", "active_players", "player_state", "player_bitmaps"] {
                    try await database.run(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), on: client)
                }
                await database.expectCommonDenials(on: client)
                await database.expectDenied("SELECT count(*) FROM player_ordinals", on: client, "reading the players' ordinals")
                await database.expectDenied("SELECT count(*) FROM player_ordinal_counters", on: client, "reading the ordinal counters")
                await database.expectDenied("DELETE FROM player_bitmaps", on: client, "deleting player bitmaps")
            }
            // The bitmaps are under row-level security like the other tables it reads.
            try await database.asOwner { client in
                try await database.run(
                    "INSERT INTO player_bitmaps (tenant_id, grain, bucket, chunk, bits) VALUES ('ta', 'day', '2026-01-01', 0, 1::bit(8192)), ('tb', 'day', '2026-01-01', 0, 3::bit(8192))",
                    on: client)
            }
            try await database.as(.analyticsAPI) { client in
                let unscoped = try await client.query("SELECT count(*)::bigint FROM player_bitmaps", logger: database.logger).collect()
                #expect(try unscoped.first?.decode(Int64.self) == 0, "player_bitmaps without a tenant")
                let scoped = try await client.withTransaction(logger: database.logger) { connection in
                    try await connection.query("SELECT set_config('gm.tenant_id', 'ta', true)", logger: database.logger)
                    return try await connection.query("SELECT tenant_id, bit_count(bits) FROM player_bitmaps", logger: database.logger).collect()
                        .map { try $0.decode((String, Int64).self) }
                }
                #expect(scoped.map(\.0) == ["ta"] && scoped.map(\.1) == [1], "player_bitmaps as ta: \(scoped)")
                await database.expectDenied("SELECT count(*) FROM events_raw", on: client, "reading raw events")
                await database.expectDenied("DELETE FROM event_metrics", on: client, "deleting time series")
                await database.expectDenied("SELECT count(*) FROM players", on: client, "reading the user service's players")
                await database.expectDenied("CREATE TEMP TABLE staging (x int)", on: client, "creating temp tables")
            }
        }
    }

    @Test(
        "retention reads and deletes raw events, deletes aggregates without reading their numbers or players, drops only old partitions through the owner's function"
    )
    func retentionRole() async throws {
        try await ServiceRoleDatabase.run { database in
            let oldDay = DailyPartitions.day(Date(), offset: -20)
            let old = "events_raw_p" + oldDay.compact
            try await database.asOwner { client in
                try await database.run("SELECT ensure_events_raw_partition(current_date - 20)", on: client)
            }
            try await database.as(.retention) { client in
                try await database.run("SELECT count(*) FROM events_raw WHERE occurred_at < now()", on: client)
                try await database.run("SELECT count(*) FROM erased_subjects", on: client)
                try await database.run("SELECT drop_events_raw_partition(current_date - 20)", on: client)
                let exists = try await client.query("SELECT to_regclass(\(old)) IS NOT NULL", logger: database.logger).collect()
                #expect(try exists.first?.decode(Bool.self) == false, "the old partition is gone")

                await database.expectDenied("SELECT ensure_events_raw_partition(current_date + 1)", on: client, "creating a partition")
                await database.expectDenied(PostgresQuery(unsafeSQL: "DROP TABLE events_raw_default"), on: client, "dropping a partition directly")
                try await database.run("DELETE FROM events_raw WHERE occurred_at < '1971-01-01'", on: client)
                await database.expectDenied("UPDATE events_raw SET player_id = player_id", on: client, "changing raw events")
                try await database.run("DELETE FROM event_metrics WHERE grain = 'minute' AND bucket < '1971-01-01'", on: client)
                try await database.run("DELETE FROM player_activity WHERE grain = 'minute' AND bucket < '1971-01-01'", on: client)
                await database.expectDenied("SELECT events, amount_minor FROM event_metrics", on: client, "reading the time series")
                await database.expectDenied("SELECT player_id FROM player_activity", on: client, "reading who was active")
                await database.expectDenied("UPDATE event_metrics SET events = 0", on: client, "changing the time series")
                await database.expectDenied("SELECT count(*) FROM player_state", on: client, "reading player state")
                await database.expectDenied("SELECT count(*) FROM player_ordinals", on: client, "reading player numbers")
                await database.expectCommonDenials(on: client)
            }
            // A partition still inside ingestion's window is refused, whoever asks.
            let today = "events_raw_p" + DailyPartitions.day(Date(), offset: 0).compact
            try await database.asOwner { client in
                try await database.run("SELECT ensure_events_raw_partition(current_date)", on: client)
            }
            try await database.as(.retention) { client in
                await #expect(throws: PSQLError.self, "dropping today's partition") {
                    try await database.run("SELECT drop_events_raw_partition(current_date)", on: client)
                }
                let exists = try await client.query("SELECT to_regclass(\(today)) IS NOT NULL", logger: database.logger).collect()
                #expect(try exists.first?.decode(Bool.self) == true, "today's partition is still there")
            }
        }
    }

    @Test(
        "recommendation uses its own tables, reads who played which game on which day of one tenant, records erasures, and makes model partitions only through the owner's functions"
    )
    func recommendationRole() async throws {
        try await ServiceRoleDatabase.run { database in
            try await database.asOwner { client in
                try await database.run(
                    """
                    INSERT INTO player_activity (tenant_id, player_id, grain, bucket, game_id)
                    VALUES ('tenant-a', 'p1', 'day', '2026-01-01', 'slot-1'), ('tenant-b', 'p2', 'day', '2026-01-01', 'slot-2')
                    """, on: client)
            }
            try await database.as(.recommendation) { client in
                for table in ["rec_games", "rec_recent_plays", "rec_models", "rec_game_vectors", "rec_player_vectors", "rec_rollouts"] {
                    try await database.run(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), on: client)
                }
                let visible = try await client.withTransaction(logger: database.logger) { connection in
                    try await connection.query("SELECT set_config('gm.tenant_id', 'tenant-a', true)", logger: database.logger)
                    return try await connection.query("SELECT player_id FROM player_activity", logger: database.logger).collect().map { try $0.decode(String.self) }
                }
                #expect(visible == ["p1"], "only the named tenant's play history")
                try await database.run(
                    "INSERT INTO erased_subjects (subject, erased_at) VALUES (decode(repeat('cd', 32), 'hex'), now()) ON CONFLICT (subject) DO UPDATE SET erased_at = now()",
                    on: client)
                try await database.run(
                    """
                    INSERT INTO rec_models (tenant_id, version, state, window_from, window_to, players, games, interactions, parameters, metrics, popular,
                                            artifact_key, artifact_sha256)
                    VALUES ('tenant-a', 'v1', 'loading', now(), now(), 0, 0, 0, '{}', '{}', '{}', 'k', repeat('0', 64))
                    """, on: client)
                let model = try await client.query("SELECT model_id FROM rec_models WHERE version = 'v1'", logger: database.logger).collect()
                let modelID = try #require(try model.first?.decode(Int64.self))
                try await database.run("SELECT rec_create_model_partitions(\(modelID))", on: client)
                try await database.run("SELECT rec_index_model(\(modelID), 16, 64)", on: client)
                await database.expectDenied(PostgresQuery(unsafeSQL: "DROP TABLE rec_game_vectors_m\(modelID)"), on: client, "dropping a model's partition directly")
                await database.expectDenied(PostgresQuery(unsafeSQL: "CREATE TABLE rec_own (id int)"), on: client, "creating tables")
                await #expect(throws: PSQLError.self, "dropping a model that is not retired") {
                    try await database.run("UPDATE rec_models SET state = 'ready' WHERE model_id = \(modelID)", on: client)
                    try await database.run("SELECT rec_drop_model_partitions(\(modelID))", on: client)
                }
                await database.expectDenied("SELECT events, amount_minor FROM event_metrics", on: client, "reading the time series")
                await database.expectDenied("SELECT count(*) FROM events_raw", on: client, "reading raw events")
                await database.expectDenied("SELECT count(*) FROM player_state", on: client, "reading player state")
                await database.expectDenied("DELETE FROM erased_subjects", on: client, "forgetting erasures")
                await database.expectCommonDenials(on: client)
            }
        }
    }

    @Test("notification uses its own tables and records erasures; it cannot read players, events or anyone's credentials")
    func notificationRole() async throws {
        try await ServiceRoleDatabase.run { database in
            try await database.as(.notification) { client in
                for table in ["notifications", "notification_attempts", "notification_settings", "notification_endpoints", "notification_recipients"] {
                    try await database.run(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), on: client)
                }
                try await database.run("SELECT count(*) FROM erased_subjects", on: client)
                try await database.run(
                    "INSERT INTO erased_subjects (subject, erased_at) VALUES (decode(repeat('ab', 32), 'hex'), now()) ON CONFLICT (subject) DO UPDATE SET erased_at = now()",
                    on: client)
                await database.expectDenied("DELETE FROM erased_subjects", on: client, "forgetting erasures")
                await database.expectDenied("SELECT count(*) FROM events_raw", on: client, "reading raw events")
                await database.expectDenied("SELECT count(*) FROM players", on: client, "reading players")
                await database.expectDenied("SELECT count(*) FROM player_state", on: client, "reading player state")
                await database.expectCommonDenials(on: client)
            }
        }
    }
}
