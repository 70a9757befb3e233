import Foundation
import GameMetricsKit
import Logging
import PostgresNIO

extension PostgresClient.Configuration {
    /// Parses `postgres://user:password@host:port/database`; `sslmode=disable` is the only mode
    /// the local platform uses, production terminates TLS in the CloudNativePG service mesh.
    public init(url: URL, variable: String = "GM_PG_URL") throws {
        guard let host = url.host, let user = url.user, !user.isEmpty else {
            throw ConfigurationError(variable: variable, problem: "must look like postgres://user:password@host:port/database")
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        self.init(
            host: host, port: url.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: url.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database,
            tls: .disable
        )
    }

    /// Reads `GM_PG_URL`, or the file `GM_PG_URL_FILE` names (required).
    public init(environment: EnvironmentReader) throws {
        try self.init(url: try environment.requiredSecretURL("GM_PG_URL", schemes: ["postgres", "postgresql"]))
    }
}

extension PostgresClient {
    /// A client whose pool runs only for `work`, started before `work` uses it: for one-shot
    /// commands and tests. Services run their client as a lifecycle service instead.
    public static func withShortLivedClient<T: Sendable>(
        _ configuration: Configuration, logger: Logger, _ work: (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let running = StartGate()
            group.addTask {
                running.open()
                await client.run()
            }
            await running.wait()
            defer { group.cancelAll() }
            return try await work(client)
        }
    }
}
