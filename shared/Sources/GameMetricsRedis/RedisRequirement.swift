import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Logging
import Redis

/// A pooled Redis client from `GM_REDIS_URL` (one node, or with `GM_REDIS_MODE=cluster` the
/// cluster's seed nodes, ADR 0007). Where Redis is best effort (ingestion's shared
/// rate counts, the processor's live deltas), `gatesReadiness: false` keeps its outage from
/// taking the service out of rotation: it then has no readiness check.
public struct RedisRequirement: ClientRequirement {
    public var gatesReadiness: Bool

    public func makeClient(environment: EnvironmentReader, clientID: String, logger: Logger) throws -> RequiredClient<RedisClient> {
        let url = try environment.requiredSecret("GM_REDIS_URL")
        let modeName = environment.string("GM_REDIS_MODE", default: RedisConfiguration.Mode.single.rawValue)
        guard let mode = RedisConfiguration.Mode(rawValue: modeName) else {
            throw ConfigurationError(variable: "GM_REDIS_MODE", problem: "must be single or cluster, not '\(modeName)'")
        }
        let configuration: RedisConfiguration
        do {
            configuration = try RedisConfiguration(url: url, mode: mode)
        } catch {
            throw ConfigurationError(variable: "GM_REDIS_URL", problem: "is not usable: \(error)")
        }
        let client = RedisClient(configuration: configuration, logger: logger)
        let readiness = gatesReadiness ? ReadinessCheck("redis") { try await client.ping() } : nil
        return RequiredClient(client, readiness: readiness, service: RedisLifecycle(client: client))
    }
}

extension ClientRequirement where Self == RedisRequirement {
    /// Redis, which the service needs to be ready.
    public static var redis: RedisRequirement { RedisRequirement(gatesReadiness: true) }

    public static func redis(gatesReadiness: Bool) -> RedisRequirement { RedisRequirement(gatesReadiness: gatesReadiness) }
}
