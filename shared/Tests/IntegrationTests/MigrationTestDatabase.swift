import GameMetricsPostgres
import GameMetricsTesting
import Foundation
import GameMetricsKit
import Logging
import PostgresNIO
import Testing

/// A throwaway database for one migration test: created through `GM_TEST_PG_ADMIN_URL` with a
/// unique name, owned by the `GM_TEST_PG_URL` role (which is what services connect as), and
/// dropped afterwards. Separate databases keep the tests parallel: advisory locks and the
/// bookkeeping table are per database.
struct MigrationTestDatabase: Sendable {
    let name: String
    /// The owner role's URL, pointing at this database.
    let url: URL

    /// The clients' background logger. Errors only: each test starts its pool and leases at once,
    /// so postgres-nio's "run() hasn't been called yet" warning would fill the output.
    static let logger: Logger = {
        var logger = Logger(label: "migration-tests")
        logger.logLevel = .error
        return logger
    }()

    /// Creates the database, runs `body` (at most `limit`), and drops the database also on failure.
    static func with<T: Sendable>(
        limit: Duration = .seconds(60),
        _ body: @escaping @Sendable (MigrationTestDatabase) async throws -> T
    ) async throws -> T {
        let adminURL = try url(TestServers.value("GM_TEST_PG_ADMIN_URL"), variable: "GM_TEST_PG_ADMIN_URL")
        let ownerURL = try url(TestServers.value("GM_TEST_PG_URL"), variable: "GM_TEST_PG_URL")
        let owner = try #require(ownerURL.user)
        let name = "gm_migration_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var components = try #require(URLComponents(url: ownerURL, resolvingAgainstBaseURL: false))
        components.path = "/" + name
        let database = MigrationTestDatabase(name: name, url: try #require(components.url))

        try await withClient(adminURL) { admin in
            _ = try await admin.query(PostgresQuery(unsafeSQL: #"CREATE DATABASE "\#(name)" OWNER "\#(owner)" TEMPLATE template0"#))
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await withTimeout(limit) { try await body(database) })
        } catch {
            result = .failure(error)
        }
        try await withClient(adminURL) { admin in
            _ = try await admin.query(PostgresQuery(unsafeSQL: #"DROP DATABASE IF EXISTS "\#(name)" WITH (FORCE)"#))
        }
        return try result.get()
    }

    /// Runs `body` with a running client of the owner role on this database (a "replica").
    func withClient<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        try await Self.withClient(url, body)
    }

    func client() throws -> PostgresClient {
        PostgresClient(configuration: try PostgresClient.Configuration(url: url), backgroundLogger: Self.logger)
    }

    /// The versions recorded in `schema_migrations`, in order.
    func recordedVersions(_ client: PostgresClient) async throws -> [Int] {
        var versions: [Int] = []
        for try await version in try await client.query("SELECT version FROM schema_migrations ORDER BY version").decode(Int32.self) {
            versions.append(Int(version))
        }
        return versions
    }

    /// Whether a table (or other relation) of that name exists.
    func exists(_ relation: String, _ client: PostgresClient) async throws -> Bool {
        for try await exists in try await client.query("SELECT to_regclass(\(relation)) IS NOT NULL").decode(Bool.self) {
            return exists
        }
        return false
    }

    private static func withClient<T: Sendable>(_ url: URL, _ body: (PostgresClient) async throws -> T) async throws -> T {
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: url), logger: logger, body)
    }

    private static func url(_ value: String, variable: String) throws -> URL {
        guard let url = URL(string: value) else {
            Issue.record("\(variable) is not a URL")
            throw TestServers.MissingTestServer(variable: variable)
        }
        return url
    }
}
