import GameMetricsHTTP
import PostgresNIO

extension ReadinessCheck {
    /// PostgreSQL answers a trivial query through the pool.
    public static func postgres(_ client: PostgresClient, name: String = "postgres") -> ReadinessCheck {
        ReadinessCheck(name) { _ = try await client.query("SELECT 1") }
    }
}
