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
            // Each task runs until its replica has been refused at least once (the shared bucket
            // ran dry, whatever the machine's speed) and two seconds have passed.
            let start = ContinuousClock.now
            let admitted = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for tenant in tenants {
                    for replica in replicas {
                        group.addTask {
                            var (admitted, refused) = (0, false)
                            while !refused || ContinuousClock.now - start < .seconds(2) {
                                guard ContinuousClock.now - start < .seconds(60) else { break }
                                if await replica.admit(tenant: tenant, limit: 200) == .allowed {
                                    admitted += 1
                                } else {
                                    refused = true
                                    try await Task.sleep(for: .milliseconds(2))
                                }
                            }
                            return (tenant, admitted)
                        }
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1.0, default: 0] += $1.1 }
            }
            let seconds = Double((ContinuousClock.now - start).components.seconds) + 1
            for tenant in tenants {
                // At most the bucket (200) plus 200/s for the time taken, give or take the lease
                // slices the replicas hold at the end; two local fallback buckets would admit about
                // twice that. At least half the bucket: both replicas were refused, so it ran dry
                // but for what the other replica's slice still held.
                let count = admitted[tenant] ?? 0
                #expect(count >= 100 && Double(count) <= 200 + 200 * seconds + 40, "\(tenant) admitted \(count) in about \(seconds) s")
                // The bucket's key carries the tenant as hash tag, so all of a tenant's keys share a
                // slot. (Not an EXISTS check: the bucket expires two idle seconds after it refills,
                // and on a loaded machine the other tenants' tasks can take that long.)
                let bucketKey = RedisKeys.tenant(tenant, prefix: ledger.keyPrefix)
                #expect(bucketKey == "gm:ingestion:rate:{\(tenant)}")
                #expect(try await cluster.slot(of: bucketKey) == cluster.slot(of: "{\(tenant)}"))
            }
        }
    }
}
