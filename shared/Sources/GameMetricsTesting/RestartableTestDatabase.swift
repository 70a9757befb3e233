import Foundation
import GameMetricsKit
import GameMetricsPostgres
import Logging
import PostgresNIO

/// The second PostgreSQL server of `make test`, which a test may stop and start to play a
/// database restart under load: the shared server cannot go down under the other suites.
/// It has one database, so the tests that use it must not overlap; `reset()` empties it first.
public struct RestartableTestDatabase: Sendable {
    public let url: String
    private let control: String

    public init() throws {
        url = try TestServers.value("GM_TEST_RESTARTABLE_PG_URL")
        control = try TestServers.value("GM_TEST_RESTARTABLE_PG_CONTROL")
    }

    /// Drops everything an earlier test left in the database.
    public func reset() async throws {
        let logger = Logger(label: "restartable-test-database")
        try await PostgresClient.withShortLivedClient(try PostgresClient.Configuration(url: URL(string: url)!), logger: logger) { client in
            try await client.query("DROP OWNED BY CURRENT_USER", logger: logger)
        }
    }

    /// A fast shutdown, as `pg_ctl stop -m fast` does it: open transactions are rolled back and
    /// every client connection is closed.
    public func stop() async throws {
        try await runControl("stop")
    }

    /// Starts the server again on the same data and waits until it accepts connections.
    public func start() async throws {
        try await runControl("start")
    }

    private func runControl(_ command: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [control, command]
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else { throw ControlFailed(command: "\(control) \(command)", status: status) }
    }

    public struct ControlFailed: Error, CustomStringConvertible {
        public let command: String
        public let status: Int32
        public var description: String { "`\(command)` exited with status \(status)" }
    }
}
