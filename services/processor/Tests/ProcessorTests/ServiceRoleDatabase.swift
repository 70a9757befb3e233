import Foundation
import GameMetricsKit
import GameMetricsPostgres
import GameMetricsService
import GameMetricsTesting
import Logging
import PostgresNIO
import Testing

@testable import Processor

/// A fresh database holding every service's schema (``PlatformSchemas``), migrated as the
/// owner, with `db/roles.sql` applied by the owner afterwards, as `make up` does. `as(_:)` connects
/// as one service's runtime role (`GM_TEST_PG_<SERVICE>_URL` from `tools/platform/test.sh`).
struct ServiceRoleDatabase {
    enum Role: String, CaseIterable, CustomStringConvertible {
        case user, processor, analyticsAPI = "analytics_api", retention, recommendation, notification
        var variable: String { "GM_TEST_PG_\(rawValue.uppercased())_URL" }
        var description: String { rawValue }
    }

    let ownerURL: URLComponents
    let logger = Logger(label: "service-roles")

    static func run(_ body: (ServiceRoleDatabase) async throws -> Void) async throws {
        try await TestDatabase.withFresh { url in
            let database = ServiceRoleDatabase(ownerURL: try #require(URLComponents(string: url)))
            let logger = database.logger
            try await PlatformSchemas.apply(ownerURL: url, logger: logger)
            try await body(database)
        }
    }

    func asOwner<T: Sendable>(_ work: (PostgresClient) async throws -> T) async throws -> T {
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: try #require(ownerURL.url)), logger: logger, work)
    }

    /// The role's URL from test.sh, pointed at this test's database.
    func url(of role: Role) throws -> URL {
        let text = try #require(ProcessInfo.processInfo.environment[role.variable], "\(role.variable) must be set: run the tests through `make test`")
        var url = try #require(URLComponents(string: text))
        url.path = ownerURL.path
        return try #require(url.url)
    }

    func `as`<T: Sendable>(_ role: Role, _ work: (PostgresClient) async throws -> T) async throws -> T {
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: try url(of: role)), logger: logger, work)
    }

    /// Runs `query` and drains it; PostgreSQL may report errors while rows stream.
    func run(_ query: PostgresQuery, on client: PostgresClient) async throws {
        for try await _ in try await client.query(query, logger: logger) {}
    }

    /// The statement must fail with `insufficient_privilege` (42501).
    func expectDenied(
        _ query: PostgresQuery, on client: PostgresClient, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            try await run(query, on: client)
            Issue.record("\(what) was allowed: \(query.sql)", sourceLocation: sourceLocation)
        } catch let error as PSQLError {
            #expect(error.serverInfo?[.sqlState] == "42501", "\(what): \(String(reflecting: error))", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(what): \(error)", sourceLocation: sourceLocation)
        }
    }

    /// What no service role may do: read the signing keys, touch another schema's tables it is
    /// not granted, create tables, drop tables.
    func expectCommonDenials(on client: PostgresClient, sourceLocation: SourceLocation = #_sourceLocation) async {
        await expectDenied("SELECT kid FROM signing_keys", on: client, "reading the signing keys", sourceLocation: sourceLocation)
        await expectDenied("CREATE TABLE intruder (x int)", on: client, "creating a table", sourceLocation: sourceLocation)
        await expectDenied("DROP TABLE event_metrics", on: client, "dropping a table", sourceLocation: sourceLocation)
        await expectDenied("DROP TABLE tenants", on: client, "dropping a table", sourceLocation: sourceLocation)
    }
}
