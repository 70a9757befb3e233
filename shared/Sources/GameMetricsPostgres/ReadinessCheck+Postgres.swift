import GameMetricsHTTP
import PostgresNIO

extension ReadinessCheck {
    /// PostgreSQL answers a trivial query through the pool.
    public static func postgres(_ client: PostgresClient) -> ReadinessCheck {
        ReadinessCheck("postgres") { _ = try await client.query("SELECT 1") }
    }
}
