import Redis
import ServiceLifecycle

/// Closes the Redis pool once graceful shutdown reaches it.
struct RedisLifecycle: Service {
    let client: RedisClient

    func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
