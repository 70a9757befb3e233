import Foundation
import GameMetricsKit
import GameMetricsTesting
import PostgresNIO
import Redis
import Testing

@testable import AnalyticsAPI

/// Tenant A's token never sees tenant B's numbers: not by naming B, not through the cache, not
/// through the database role; a platform-admin may read B, and the audit log records it first.
@Suite("analytics-api keeps tenants apart", .timeLimit(.minutes(10)))
struct TenantIsolationTests {
    static let day = 86_400.0

    @Test("a tenant reads only its own numbers, the cache answers each tenant its own, each platform-admin read of another tenant is audited, and a live delta retires cached answers and responses")
    func tenantsStayApart() async throws {
        let today = TimeWindow.floor(Date(), .day)
        let a = EventFixture(tenant: AnalyticsFixture.tenantA, players: 10, scale: 1, today: today)
        let b = EventFixture(tenant: AnalyticsFixture.tenantB, players: 7, scale: 1_000, today: today)
        try await AnalyticsFixture.run { fixture in
            try await fixture.produce(a.events + b.events)
            try await fixture.withServices { api in
                try await fixture.waitForStoredEvents(a.events.count + b.events.count)
                let tokenA = try await fixture.user.adminToken(), tokenB = try await fixture.user.adminToken(suffix: "_B")
                let from = today.addingTimeInterval(-40 * Self.day), to = today
                let query = "query($f: String!, $t: String!) { overview(from: $f, to: $t) { events currencies { currency bets } } }"
                let variables = ["f": RFC3339.format(from), "t": RFC3339.format(to)]
                func events(_ answer: AnalyticsClient.Answer) -> Double? { (answer.data["overview"] as? [String: Any])?["events"] as? Double }

                // The same query text, A then B then A again (cached): each its own numbers.
                let firstA = try await api.graphQL(query, variables: variables, token: tokenA)
                let firstB = try await api.graphQL(query, variables: variables, token: tokenB)
                let cachedA = try await api.graphQL(query, variables: variables, token: tokenA)
                #expect(events(firstA) == Double(a.within(from, to).count), "\(firstA.text)")
                #expect(events(firstB) == Double(b.within(from, to).count), "\(firstB.text)")
                #expect(NSDictionary(dictionary: cachedA.json).isEqual(to: firstA.json), "\(cachedA.text) != \(firstA.text)")

                // Naming the other tenant is refused to a tenant admin.
                let named = try await api.graphQL(
                    "query($f: String!, $t: String!) { overview(from: $f, to: $t, tenant: \"\(AnalyticsFixture.tenantB)\") { events } }",
                    variables: variables, token: tokenA)
                #expect(named.codes == ["FORBIDDEN"], "\(named.text)")
                #expect(named.data["overview"] == nil || named.data["overview"] is NSNull)

                // Every cached answer's key names its tenant.
                let redis = RedisClient(configuration: try RedisConfiguration(url: fixture.redisURL))
                let keys = (try await redis.execute(["KEYS", "gm:analytics-api:*"]).array ?? []).compactMap(\.string)
                await redis.shutdown()
                #expect(!keys.isEmpty)
                #expect(keys.contains { $0.hasPrefix("gm:analytics-api:{\(AnalyticsFixture.tenantA)}:response:") }, "A's repeated query was answered from a stored response: \(keys)")
                #expect(keys.allSatisfy { $0.hasPrefix("gm:analytics-api:{\(AnalyticsFixture.tenantA)}:") || $0.hasPrefix("gm:analytics-api:{\(AnalyticsFixture.tenantB)}:") }, "\(keys)")

                // A platform-admin reads B, and the audit log holds the record.
                let admin = try await fixture.user.token(
                    clientID: try fixture.user.seeded("GM_PLATFORM_CLIENT_ID"), secret: try fixture.user.seeded("GM_PLATFORM_CLIENT_SECRET"))
                // Twice, the same body: a platform-admin is never answered from a stored response, so
                // each read reaches the audit log.
                for _ in 0..<2 {
                    let crossTenant = try await api.graphQL(
                        "query Audited($f: String!, $t: String!) { overview(from: $f, to: $t, tenant: \"\(AnalyticsFixture.tenantB)\") { events } }",
                        variables: variables, token: admin)
                    #expect(events(crossTenant) == Double(b.within(from, to).count), "\(crossTenant.text)")
                }
                let audited = try await fixture.ownerQueryInTenant(
                    AnalyticsFixture.tenantB, "SELECT action || ' ' || subject || ' ' || (payload->>'home_tenant') FROM audit_log WHERE action = 'analytics.cross_tenant_read'")
                #expect(audited == Array(repeating: "analytics.cross_tenant_read graphql:Audited platform", count: 2), "\(audited)")

                // A new event of A: its live delta retires A's cached answers.
                try await fixture.produce([
                    PlayerEvent(eventID: UUID(), tenantID: AnalyticsFixture.tenantA, playerID: "late", type: .pageView, occurredAt: today.addingTimeInterval(-60))
                ])
                try await eventually(.seconds(60)) {
                    events(try await api.graphQL(query, variables: variables, token: tokenA)) == Double(a.within(from, to).count + 1)
                }
            }
        }
    }

    @Test("analytics-api's database role sees only the rows of the tenant its transaction names, and none without one")
    func rowLevelSecurity() async throws {
        let today = TimeWindow.floor(Date(), .day)
        let a = EventFixture(tenant: AnalyticsFixture.tenantA, players: 4, scale: 1, today: today)
        let b = EventFixture(tenant: AnalyticsFixture.tenantB, players: 3, scale: 1, today: today)
        try await AnalyticsFixture.run { fixture in
            try await fixture.produce(a.events + b.events)
            try await fixture.withServices { _ in try await fixture.waitForStoredEvents(a.events.count + b.events.count) }
            try await fixture.asAnalyticsRole { client in
                for table in ["event_metrics", "active_players", "player_activity", "player_state", "player_bitmaps"] {
                    let unscoped = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM \(table)"), logger: fixture.logger).collect()
                    #expect(try unscoped.first?.decode(Int64.self) == 0, "\(table) without a tenant")
                    let tenants = try await client.withTransaction(logger: fixture.logger) { connection in
                        try await connection.query("SELECT set_config('gm.tenant_id', \(AnalyticsFixture.tenantA), true)", logger: fixture.logger)
                        return try await connection.query(PostgresQuery(unsafeSQL: "SELECT DISTINCT tenant_id FROM \(table)"), logger: fixture.logger)
                            .collect().map { try $0.decode(String.self) }
                    }
                    #expect(tenants == [AnalyticsFixture.tenantA], "\(table) as \(AnalyticsFixture.tenantA)")
                }
                // It reads the processor's tables, never writes them.
                await #expect(throws: PSQLError.self) {
                    try await client.query("DELETE FROM player_state", logger: fixture.logger)
                }
            }
        }
    }
}

extension AnalyticsFixture {
    /// Text rows of `sql` run as the owner in a transaction scoped to `tenant` (tables whose
    /// row-level security is forced answer even the owner only so).
    func ownerQueryInTenant(_ tenant: String, _ sql: String) async throws -> [String] {
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: try #require(URL(string: ownerURL))), logger: logger) { client in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT set_config('gm.tenant_id', \(tenant), true)", logger: logger)
                return try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect().map { try $0.decode(String.self) }
            }
        }
    }
}
