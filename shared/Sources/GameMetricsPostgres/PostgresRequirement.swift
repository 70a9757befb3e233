import GameMetricsKit
import GameMetricsService
import Logging
import PostgresNIO

/// A pooled PostgreSQL client from `GM_PG_URL` (see `PostgresClient.Configuration(environment:)`);
/// the service is unready while it does not answer.
public struct PostgresRequirement: ClientRequirement {
    public func makeClient(environment: EnvironmentReader, clientID: String, logger: Logger) throws -> RequiredClient<PostgresClient> {
        let client = PostgresClient(configuration: try PostgresClient.Configuration(environment: environment), backgroundLogger: logger)
        return RequiredClient(client, readiness: .postgres(client), service: client)
    }
}

extension ClientRequirement where Self == PostgresRequirement {
    public static var postgres: PostgresRequirement { PostgresRequirement() }
}
