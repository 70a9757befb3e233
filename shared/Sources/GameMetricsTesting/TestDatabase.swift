import Foundation
import GameMetricsKit
import GameMetricsPostgres
import Logging
import PostgresNIO
import Testing

/// A throwaway PostgreSQL database per test, on the server `tools/platform/test.sh` starts:
/// created through `GM_TEST_PG_ADMIN_URL`, owned by the (non-superuser) role of `GM_TEST_PG_URL`
/// so row-level security applies as in production, and dropped afterwards.
public enum TestDatabase {
    public static func withFresh<T: Sendable>(
        sourceLocation: SourceLocation = #_sourceLocation, _ body: (_ url: String) async throws -> T
    ) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        guard let adminText = environment["GM_TEST_PG_ADMIN_URL"], let ownerText = environment["GM_TEST_PG_URL"],
            let admin = URL(string: adminText), var owner = URLComponents(string: ownerText), let role = owner.user
        else {
            Issue.record(
                "GM_TEST_PG_ADMIN_URL and GM_TEST_PG_URL must be set: run the tests through `make test`",
                sourceLocation: sourceLocation)
            throw MissingServer()
        }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        owner.path = "/" + name
        try await administer(admin) { client, logger in
            try await client.query(PostgresQuery(unsafeSQL: #"CREATE DATABASE "\#(name)" OWNER "\#(role)""#), logger: logger)
        }
        do {
            let result = try await body(owner.string!)
            try await drop(name, admin: admin)
            return result
        } catch {
            try? await drop(name, admin: admin)
            throw error
        }
    }

    private static func drop(_ name: String, admin: URL) async throws {
        try await administer(admin) { client, logger in
            try await client.query(PostgresQuery(unsafeSQL: #"DROP DATABASE IF EXISTS "\#(name)" WITH (FORCE)"#), logger: logger)
        }
    }

    /// Runs `work` with a short-lived client on the admin URL. The database name is generated
    /// here, never taken from input, which is why these DDL statements are built as text.
    private static func administer(_ url: URL, _ work: @Sendable (PostgresClient, Logger) async throws -> Void) async throws {
        let logger = Logger(label: "test-database")
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: url), logger: logger) {
            try await work($0, logger)
        }
    }

    struct MissingServer: Error {}
}
