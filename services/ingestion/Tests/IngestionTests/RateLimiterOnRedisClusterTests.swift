import GameMetricsTesting
import Logging
import Redis
import Testing

@testable import Ingestion

@Suite("ingestion's rate limiter on a Redis Cluster")
struct RateLimiterOnRedisClusterTests {
    @Test("two limiters sharing a 6-node cluster admit together what each tenant's bucket allows", .timeLimit(.minutes(2)))
    func limitersShareBucketsAcrossTheCluster() async throws {
        try await RedisClusterTestServer.with { cluster, redis in
            let ledger = RedisRateLimitLedger(redis: redis)
            let replicas = (0..<2).map { _ in TenantRateLimiter(ledger: ledger, burstSeconds: 1, logger: Logger(label: "test")) }
            // Tenants whose buckets land on three different masters.
            var tenants: [String] = []
            var masters: [Int] = []
            var index = 0
            while tenants.count < 3 {
                let tenant = "tenant-\(index)"
                index += 1
                let port = try await cluster.master(of: try await cluster.slot(of: "{\(tenant)}")).port
                if !masters.contains(port) {
                    masters.append(port)
                    tenants.append(tenant)
                }
            }
            let start = ContinuousClock.now
            let admitted = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for tenant in tenants {
                    for replica in replicas {
                        group.addTask {
                            var admitted = 0
                            while ContinuousClock.now - start < .seconds(2) {
                                if await replica.admit(tenant: tenant, limit: 200) == .allowed { admitted += 1 } else { try await Task.sleep(for: .milliseconds(2)) }
                            }
                            return (tenant, admitted)
                        }
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1.0, default: 0] += $1.1 }
            }
            for tenant in tenants {
                // At most 200 in the bucket plus 200/s for two seconds, give or take the unexpired
                // lease slices the replicas hold at the end; two local fallback buckets would admit
                // twice that. At least the full bucket, which needs no refill time: how much of the
                // refill a loaded machine's slow loops take up is not what this test is about.
                let count = admitted[tenant] ?? 0
                #expect(count >= 200 && count <= 640, "\(tenant) admitted \(count)")
                // The bucket's key carries the tenant as hash tag, so all of a tenant's keys share a slot.
                #expect(try await redis.execute(["EXISTS", "gm:ingestion:rate:{\(tenant)}"]).integer == 1)
            }
        }
    }
}
