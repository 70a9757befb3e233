import GameMetricsKit
import GameMetricsService
import Logging
import PostgresNIO

/// A pooled PostgreSQL client from `GM_PG_URL` (see `PostgresClient.Configuration(environment:)`);
/// the service is unready while it does not answer.
public struct PostgresRequirement: ClientRequirement {
    /// The name of its readiness check.
    public var name = "postgres"
    /// Settings every connection of the pool starts with (startup parameters): they hold for
    /// each statement without a round trip of their own.
    public var sessionSettings: [(String, String)] = []
    /// The pool's size; PostgresNIO's default when nil.
    public var maximumConnections: Int?

    public func makeClient(environment: EnvironmentReader, clientID: String, logger: Logger) throws -> RequiredClient<PostgresClient> {
        var configuration = try PostgresClient.Configuration(environment: environment)
        configuration.options.additionalStartupParameters = sessionSettings
        if let maximumConnections {
            configuration.options.maximumConnections = maximumConnections
        }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return RequiredClient(client, readiness: .postgres(client, name: name), service: client)
    }
}

extension ClientRequirement where Self == PostgresRequirement {
    public static var postgres: PostgresRequirement { PostgresRequirement() }

    /// A pool of its own on `GM_PG_URL` for a query path: its connections only read
    /// (`default_transaction_read_only`), and PostgreSQL ends each statement after
    /// `statementTimeout` (SQLSTATE 57014), so a read needs no transaction to be bounded. No
    /// parallel workers: a query path's reads are short and many, and workers spend the
    /// server's CPU on one read's latency at the others' cost. `settings` are the path's own
    /// (e.g. pgvector's search breadth).
    public static func readOnlyPostgres(
        statementTimeout: Duration, maximumConnections: Int? = nil, settings: [(String, String)] = []
    ) -> PostgresRequirement {
        PostgresRequirement(
            name: "postgres-reads",
            sessionSettings: [
                ("default_transaction_read_only", "on"), ("statement_timeout", statementTimeout.statementTimeoutSetting), ("max_parallel_workers_per_gather", "0"),
            ] + settings,
            maximumConnections: maximumConnections)
    }
}
