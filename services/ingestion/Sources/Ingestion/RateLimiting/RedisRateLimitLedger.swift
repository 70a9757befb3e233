import Redis

/// Tenants' shared token buckets in Redis: a Lua script refills and takes atomically on the
/// server's clock, so replicas with skewed clocks still share one exact bucket.
///
/// The bucket key is `gm:ingestion:rate:{tenant}`: the tenant is the hash tag, so on a Redis
/// Cluster the script's key and any later key of the same tenant live in one slot.
struct RedisRateLimitLedger: RateLimitLedger {
    let redis: RedisClient
    var keyPrefix = "gm:ingestion:rate:"

    // KEYS[1] bucket; ARGV rate/s, capacity, wanted. Returns {granted, microseconds until `wanted`
    // tokens are there again} (capped at the capacity).
    static let script = """
        local rate = tonumber(ARGV[1])
        local capacity = tonumber(ARGV[2])
        local wanted = tonumber(ARGV[3])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1])
        local at = tonumber(state[2])
        if tokens == nil or at == nil then
          tokens = capacity
          at = now
        end
        if now > at then
          tokens = math.min(capacity, tokens + (now - at) * rate / 1000000)
        end
        local granted = math.max(0, math.min(wanted, math.floor(tokens)))
        tokens = tokens - granted
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
        redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
        local wait = 0
        if granted < wanted then
          wait = math.ceil((math.min(wanted, capacity) - tokens) * 1000000 / rate)
        end
        return {granted, wait}
        """

    func lease(tenant: String, rate: Int, capacity: Int, count: Int) async throws -> RateLease {
        let reply = try await redis.execute(["EVAL", Self.script, "1", RedisKeys.tenant(tenant, prefix: keyPrefix), String(rate), String(capacity), String(count)])
        guard let values = reply.array, values.count == 2, let granted = values[0].integer, let wait = values[1].integer else {
            throw RedisError.unexpectedReply(reply)
        }
        return RateLease(granted: granted, retryAfter: .microseconds(wait))
    }
}
