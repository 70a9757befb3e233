import Foundation
import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import Ingestion

@Suite("credential cache: bad keys never push out good ones, revocation within 30 s")
struct CredentialCacheTests {
    private static let good = TenantCredential(tenantID: "tenant-a", requestsPerSecondLimit: 100)

    @Test("a flood of unknown keys beyond the cache's capacity never evicts a good tenant's entry")
    func unknownKeysNeverEvictGoodEntries() async throws {
        let directory = InMemoryCredentialDirectory(writeKeys: ["gmk_good": Self.good])
        // Fresh for longer than any run takes: this is about capacity, and a loaded machine has
        // taken over 60 s for the flood (the good entry then expired, not evicted).
        let cache = CredentialCache<TenantCredential>(freshFor: .seconds(86_400), usableFor: .seconds(86_400), capacity: 10)
        #expect(try await cache.value(for: "gmk_good") { try await directory.resolveWriteKey("gmk_good") } == Self.good)
        for index in 0..<1_000 {
            let key = "gmk_unknown\(index)"
            #expect(try await cache.value(for: key) { try await directory.resolveWriteKey(key) } == nil)
        }
        let lookups = directory.lookups
        #expect(try await cache.value(for: "gmk_good") { try await directory.resolveWriteKey("gmk_good") } == Self.good)
        #expect(directory.lookups == lookups, "the good key was still cached")
    }

    @Test("by default and at the most lenient setting, a revoked key is refused within 30 s, even while the user service is down")
    func revocationBoundIsThirtySeconds() throws {
        for cacheSeconds in [nil, "30"] {
            var environment: [String: String] = [:]
            if let cacheSeconds { environment["GM_INGESTION_CREDENTIAL_CACHE_SECONDS"] = cacheSeconds }
            let settings = try IngestionSettings(environment: PlatformContract.unreachableDependencies.merging(environment))
            #expect(settings.credentialCacheTime <= .seconds(30))
            #expect(settings.credentialMaxStaleness <= .seconds(30), "stale answers serve while the user service is down")
        }
        #expect(throws: ConfigurationError.self) {
            try IngestionSettings(environment: PlatformContract.unreachableDependencies.merging(["GM_INGESTION_CREDENTIAL_CACHE_SECONDS": "31"]))
        }
    }

    @Test("a known key's stale answer stops serving once it is older than the staleness bound")
    func staleAnswersExpire() async throws {
        // Time moves only when the test moves it: a loaded machine cannot age the answer early.
        let clock = ManualClock()
        let directory = InMemoryCredentialDirectory(writeKeys: ["gmk_good": Self.good])
        let cache = CredentialCache<TenantCredential>(
            freshFor: .milliseconds(50), usableFor: .milliseconds(1500), minimumInterval: .milliseconds(100), now: { clock.now })
        let lookUp = { try await cache.value(for: "gmk_good") { try await directory.resolveWriteKey("gmk_good") } }
        #expect(try await lookUp() == Self.good)
        directory.revoke("gmk_good")
        directory.setReachable(false)
        clock.advance(by: .milliseconds(100))
        #expect(try await lookUp() == Self.good, "stale, but within the bound while the directory is down")
        clock.advance(by: .milliseconds(1401))
        await #expect(throws: (any Error).self, "older than the bound") { try await lookUp() }
        directory.setReachable(true)
        // A failed lookup is not repeated within the minimum interval (ADR 0019).
        clock.advance(by: .milliseconds(50))
        await #expect(throws: (any Error).self, "within the minimum interval of the failed lookup") { try await lookUp() }
        clock.advance(by: .milliseconds(50))
        #expect(try await lookUp() == nil, "the revocation is seen")
    }
}
