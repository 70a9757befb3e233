import GameMetricsKit
import GameMetricsRedis
import GameMetricsService
import Logging
import Redis
import Testing

@Suite("GM_REDIS_MODE selects one server or a cluster")
struct RedisModeConfigurationTests {
    /// The Redis client a service requiring `.redis` gets from these variables.
    static func client(_ variables: [String: String]) throws -> RedisClient {
        var clients = PlatformClients(environment: EnvironmentReader(variables), clientID: "test", logger: Logger(label: "test"))
        return try clients.require(.redis)
    }

    @Test("without GM_REDIS_MODE the client talks to the one server of GM_REDIS_URL")
    func singleByDefault() throws {
        let redis = try Self.client(["GM_REDIS_URL": "redis://cache:6380/2"])
        #expect(redis.configuration.mode == .single)
        #expect(redis.configuration.database == 2)
    }

    @Test("GM_REDIS_MODE=cluster takes the seed nodes listed in GM_REDIS_URL")
    func clusterSeeds() throws {
        let redis = try Self.client(["GM_REDIS_MODE": "cluster", "GM_REDIS_URL": "redis://:pw@redis-0:6379,redis-1:6379"])
        #expect(redis.configuration.mode == .cluster)
        #expect(redis.configuration.seeds == [RedisEndpoint(host: "redis-0", port: 6379), RedisEndpoint(host: "redis-1", port: 6379)])
        #expect(redis.configuration.password == "pw")
    }

    @Test("an unknown GM_REDIS_MODE, or a database in a cluster URL, stops the start with the variable named")
    func rejectsBadValues() {
        #expect {
            try Self.client(["GM_REDIS_MODE": "sentinel", "GM_REDIS_URL": "redis://cache:6379"])
        } throws: { ($0 as? ConfigurationError)?.variable == "GM_REDIS_MODE" }
        #expect {
            try Self.client(["GM_REDIS_MODE": "cluster", "GM_REDIS_URL": "redis://redis-0:6379/3"])
        } throws: { ($0 as? ConfigurationError)?.variable == "GM_REDIS_URL" }
    }
}
