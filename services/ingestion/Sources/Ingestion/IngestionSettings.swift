import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsPeers
import GameMetricsService

/// The ingestion service's own configuration (the shared Kafka/Redis/HTTP variables are read
/// by `ServiceConfiguration` and `PlatformClients`). Every variable is in the service README.
struct IngestionSettings: Sendable {
    /// `GM_USER_URL`: the user service, which resolves write keys and publishes the JWKS.
    var userServiceURL: URL
    /// `GM_AUTH_ISSUER`: the `iss` of access tokens; the user service's `GM_USER_ISSUER`.
    var issuer: String
    /// `GM_INGESTION_CLIENT_ID` / `GM_INGESTION_CLIENT_SECRET`: this service's own client at the
    /// user service, with the role `ingestion` only (resolve write keys, read tenants' limits).
    var serviceCredentials: ServiceTokenProvider.Credentials
    /// `GM_INGESTION_CREDENTIAL_CACHE_SECONDS` (10, at most 30): how long a resolved write key
    /// (or a tenant's limit) is used before asking again; a stale entry serves on while the user
    /// service is unreachable, up to `credentialMaxStaleness` in total.
    var credentialCacheTime: Duration
    /// Revocation is visible within this time (30 s), whatever happens to the user service.
    var credentialMaxStaleness: Duration = .seconds(30)
    /// `GM_INGESTION_ACCEPT_LEGACY_WRITE_KEYS` (false): whether keys issued before MACs are still
    /// looked up (the migration period); off, they are refused like forged ones.
    var acceptLegacyWriteKeys: Bool
    /// `GM_INGESTION_NEGATIVE_CACHE_SECONDS` (30) and `GM_INGESTION_NEGATIVE_CACHE_MAX_KEYS`
    /// (100000): unknown or revoked keys are remembered this long, at most this many, apart from
    /// known keys (`GM_INGESTION_CREDENTIAL_CACHE_MAX_KEYS`, 100000).
    var negativeCacheTime: Duration
    var negativeCacheMaxKeys: Int
    var credentialCacheMaxKeys: Int
    /// `GM_INGESTION_FAILED_LOOKUPS_PER_PEER_PER_SECOND` (20, at most 20): lookups of keys that
    /// turn out unknown, per peer address; beyond, 429 `too_many_failed_lookups`.
    var failedLookupsPerPeerPerSecond: Int
    /// `GM_INGESTION_TRUSTED_PROXIES` (0): proxies in front of ingestion that append to
    /// `X-Forwarded-For`; the peer is the entry the outermost of them appended.
    var trustedProxies: Int
    /// `GM_INGESTION_RATE_BURST_MS`: a tenant's bucket holds this much time of its rate (default 1 s).
    var rateBurstSeconds: Double
    /// `GM_INGESTION_DEDUPE_WINDOW_SECONDS` and `GM_INGESTION_DEDUPE_MAX_IDS`: event ids
    /// acknowledged within the window are not written again (bounded by the id count).
    var dedupeWindow: Duration
    var dedupeMaxIDs: Int
    /// `GM_INGESTION_RAW_TOPIC` and `GM_INGESTION_INVALID_TOPIC`.
    var rawTopic: String
    var invalidTopic: String
    /// `Retry-After` of a 503, in seconds.
    var unavailableRetryAfterSeconds: Int = 1

    init(environment: EnvironmentReader) throws {
        let userService = try UserServiceAccess(environment: environment, client: "INGESTION")
        (userServiceURL, issuer, serviceCredentials) = (userService.url, userService.issuer, userService.credentials)
        credentialCacheTime = .seconds(try environment.int("GM_INGESTION_CREDENTIAL_CACHE_SECONDS", default: 10, in: 1...30))
        acceptLegacyWriteKeys = try environment.bool("GM_INGESTION_ACCEPT_LEGACY_WRITE_KEYS", default: false)
        negativeCacheTime = .seconds(try environment.int("GM_INGESTION_NEGATIVE_CACHE_SECONDS", default: 30, in: 1...3_600))
        negativeCacheMaxKeys = try environment.int("GM_INGESTION_NEGATIVE_CACHE_MAX_KEYS", default: 100_000, in: 100...10_000_000)
        credentialCacheMaxKeys = try environment.int("GM_INGESTION_CREDENTIAL_CACHE_MAX_KEYS", default: 100_000, in: 100...10_000_000)
        failedLookupsPerPeerPerSecond = try environment.int("GM_INGESTION_FAILED_LOOKUPS_PER_PEER_PER_SECOND", default: 20, in: 1...20)
        trustedProxies = try environment.int("GM_INGESTION_TRUSTED_PROXIES", default: 0, in: 0...10)
        rateBurstSeconds = Double(try environment.int("GM_INGESTION_RATE_BURST_MS", default: 1000, in: 10...60_000)) / 1000
        dedupeWindow = .seconds(try environment.int("GM_INGESTION_DEDUPE_WINDOW_SECONDS", default: 300, in: 0...86_400))
        dedupeMaxIDs = try environment.int("GM_INGESTION_DEDUPE_MAX_IDS", default: 400_000, in: 0...50_000_000)
        rawTopic = environment.string("GM_INGESTION_RAW_TOPIC", default: PlatformTopic.rawEvents)
        invalidTopic = environment.string("GM_INGESTION_INVALID_TOPIC", default: PlatformTopic.invalidEvents)
    }
}
