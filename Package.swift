// swift-tools-version:6.0
import PackageDescription

// MARK: - Dependencies

let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting: Target.Dependency = .product(name: "HummingbirdTesting", package: "hummingbird")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let postgres: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")
// PostgresClient's pool throws its `ConnectionPoolError` as is (e.g. the circuit breaker after a
// minute without a connection): GameMetricsPostgres names it to tell "unreachable" from "refused".
let postgresPool: Target.Dependency = .product(name: "_ConnectionPoolModule", package: "postgres-nio")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let asyncAlgorithms: Target.Dependency = .product(name: "AsyncAlgorithms", package: "swift-async-algorithms")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cryptoExtras: Target.Dependency = .product(name: "CryptoExtras", package: "swift-crypto")
let w3cTraceContext: Target.Dependency = .product(name: "W3CTraceContext", package: "swift-w3c-trace-context")
let graphiti: Target.Dependency = .product(name: "Graphiti", package: "Graphiti")
let graphQL: Target.Dependency = .product(name: "GraphQL", package: "GraphQL")
let webSocket: Target.Dependency = .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")
let webSocketClient: Target.Dependency = .product(name: "HummingbirdWSClient", package: "hummingbird-websocket")
let mustache: Target.Dependency = .product(name: "Mustache", package: "swift-mustache")

let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

// MARK: - Target helpers (one per kind of target)

/// A C library found by pkg-config (Debian's package in `apt`).
func cLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "shared/Sources/\(name)", pkgConfig: pkgConfig, providers: [.apt([apt])])
}

/// A shared Swift module at `shared/Sources/<name>`; it depends only on what it uses (ADR 0020).
func sharedModule(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .target(name: name, dependencies: dependencies, path: "shared/Sources/\(name)", swiftSettings: swiftSettings)
}

/// A suite of the shared modules at `shared/Tests/<name>`.
func sharedTests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies, path: "shared/Tests/\(name)", swiftSettings: swiftSettings)
}

/// A tool or benchmark executable at `<path>`.
func executable(_ name: String, path: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies, path: path, swiftSettings: swiftSettings)
}

/// One service: its executable at `services/<directory>/Sources/<module>`, linking only the
/// shared modules in `dependencies`, and its swift-testing suite at
/// `services/<directory>/Tests/<module>Tests`, which may also depend on other services
/// (`testDependencies`) to run them as real peers.
struct ServiceTargets {
    var directory: String
    var module: String
    var dependencies: [Target.Dependency]
    var resources: [Resource]? = nil
    var testDependencies: [String] = []
    /// Packages' products only the tests use (a client of the protocol the service serves).
    var testProducts: [Target.Dependency] = []
}

func service(_ service: ServiceTargets) -> [Target] {
    [
        .executableTarget(
            name: service.module,
            dependencies: ["GameMetricsKit", "GameMetricsHTTP", "GameMetricsService", hummingbird, logging, serviceLifecycle] + service.dependencies,
            path: "services/\(service.directory)/Sources/\(service.module)",
            resources: service.resources,
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "\(service.module)Tests",
            dependencies: [.target(name: service.module), "GameMetricsTesting", crypto] + allSharedModules
                + service.testDependencies.map { .target(name: $0) } + service.testProducts,
            path: "services/\(service.directory)/Tests/\(service.module)Tests",
            swiftSettings: swiftSettings
        ),
    ]
}

// The per-client glue modules: each reads its client's GM_* variables and declares its readiness
// check, so that a service links a client library only when it requires that client.
let kafkaGlue: [Target.Dependency] = ["GameMetricsKafka", "Kafka"]
let postgresGlue: [Target.Dependency] = ["GameMetricsPostgres", postgres]
let redisGlue: [Target.Dependency] = ["GameMetricsRedis", "Redis"]
let s3Glue: [Target.Dependency] = ["GameMetricsS3", "S3", "CurlHTTP"]
let peersGlue: [Target.Dependency] = ["GameMetricsPeers", "CurlHTTP"]
let erasureGlue: [Target.Dependency] = ["GameMetricsErasure"]

let services: [ServiceTargets] = [
    ServiceTargets(
        directory: "ingestion", module: "Ingestion", dependencies: kafkaGlue + redisGlue + peersGlue + ["GameMetricsAuth", httpTypes],
        resources: [.copy("openapi.json")],
        // The schema agreement test reuses the differential tests' properties generator.
        testDependencies: ["EventParserOracle"]),
    // The processor's pipeline stages hand batches on through AsyncChannel.
    ServiceTargets(directory: "processor", module: "Processor", dependencies: kafkaGlue + postgresGlue + redisGlue + erasureGlue + [asyncAlgorithms]),
    // Trains implicit-ALS models into pgvector, serves them through a Redis cache and a rollout of
    // two models, follows players' activity, publishes served lists and takes part in erasure.
    ServiceTargets(
        directory: "recommendation", module: "Recommendation",
        dependencies: postgresGlue + redisGlue + kafkaGlue + s3Glue + erasureGlue
            + ["GameMetricsPeers", "GameMetricsAuth", "GameMetricsRecommender", asyncAlgorithms, crypto, metrics, postgres],
        resources: [.copy("openapi.json")]),
    // GraphQL over the processor's tables, live updates over WebSocket; consumes the invalid
    // events and takes part in erasure; records platform-admins' cross-tenant reads at the user service.
    ServiceTargets(
        directory: "analytics-api", module: "AnalyticsAPI",
        dependencies: postgresGlue + redisGlue + kafkaGlue + erasureGlue + peersGlue + ["GameMetricsAuth", graphiti, graphQL, webSocket, httpTypes, postgres],
        resources: [.copy("schema.graphql"), .copy("openapi.json"), .copy("persisted-queries.json")],
        testProducts: [webSocketClient]),
    ServiceTargets(
        directory: "user", module: "UserService", dependencies: kafkaGlue + postgresGlue + s3Glue + erasureGlue + ["GameMetricsAuth", "GameMetricsAudit", crypto, httpTypes],
        resources: [.copy("openapi.json")]),
    // Queues notifications in PostgreSQL and delivers them by SMTP and HTTP (libcurl); verifies
    // callers' tokens at the user service; takes part in erasure.
    ServiceTargets(
        directory: "notification", module: "NotificationService",
        dependencies: kafkaGlue + postgresGlue + peersGlue + erasureGlue + ["GameMetricsAuth", crypto, mustache, httpTypes],
        resources: [.copy("templates"), .copy("openapi.json")]),
    // Archives raw events to S3 and restores them; takes part in erasure (rewrites archives);
    // keeps its own audit chain.
    ServiceTargets(
        directory: "retention", module: "Retention", dependencies: postgresGlue + s3Glue + ["GameMetricsPeers"] + kafkaGlue + erasureGlue + ["GameMetricsAudit", crypto, metrics],
        resources: [.copy("openapi.json")]),
    // Server-rendered pages over the user service and analytics-api; sessions in Redis; the live
    // overview relayed from analytics-api's subscription.
    ServiceTargets(
        directory: "admin", module: "Admin", dependencies: peersGlue + redisGlue + ["GameMetricsAuth", mustache, webSocketClient, httpTypes],
        resources: [.copy("templates"), .copy("static"), .copy("openapi.json")]),
]

// MARK: - Shared modules

let allSharedModules: [Target.Dependency] = [
    "GameMetricsKit", "GameMetricsHTTP", "GameMetricsService", "GameMetricsAuth", "GameMetricsPostgres",
    "GameMetricsKafka", "GameMetricsRedis", "GameMetricsS3", "GameMetricsPeers", "GameMetricsErasure", "GameMetricsAudit", "GameMetricsRecommender", "Kafka", "Redis", "CurlHTTP",
    "S3",
]

/// What every per-client glue module builds on.
let glue: [Target.Dependency] = ["GameMetricsKit", "GameMetricsHTTP", "GameMetricsService", logging, serviceLifecycle]

let sharedTargets: [Target] = [
    cLibrary("CRdKafka", pkgConfig: "rdkafka", apt: "librdkafka-dev"),
    cLibrary("CHiredis", pkgConfig: "hiredis", apt: "libhiredis-dev"),
    cLibrary("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),
    cLibrary("CZlib", pkgConfig: "zlib", apt: "zlib1g-dev"),
    // glibc's mallopt, to cap malloc arenas in every service (see ServiceMain).
    .systemLibrary(name: "CMalloc", path: "shared/Sources/CMalloc"),

    // The platform contract, free of servers and drivers: events, their validation, the JSON
    // scanner and writer, the erasure messages, trace context, GM_* variable reading. The
    // simulator links this and nothing of the service skeleton.
    sharedModule("GameMetricsKit", [crypto, logging, w3cTraceContext]),
    // The service skeleton: Hummingbird, the platform router, health, metrics, logging bootstrap.
    sharedModule("GameMetricsHTTP", ["GameMetricsKit", "CZlib", "CMalloc", hummingbird, httpTypes, logging, metrics, prometheus, serviceLifecycle]),
    // How a service is assembled from its declared clients (PlatformClients) and its routes.
    sharedModule("GameMetricsService", ["GameMetricsKit", "GameMetricsHTTP", "GameMetricsAuth", hummingbird, logging, serviceLifecycle]),
    // Password hashing, signed tokens (JWT/JWKS), PKCE and opaque secrets.
    sharedModule("GameMetricsAuth", ["GameMetricsKit", crypto, cryptoExtras]),

    // Clients, each in its own module, over their C libraries.
    sharedModule("Kafka", ["CRdKafka", logging, serviceLifecycle]),
    sharedModule("Redis", ["CHiredis", logging]),
    sharedModule("CurlHTTP", ["CCurl", httpTypes]),
    sharedModule("S3", ["CurlHTTP", httpTypes]),

    // Per-client glue: the client's requirement (GM_* configuration, readiness check, lifecycle)
    // and what services build on it; a service that requires no such client links none of it.
    sharedModule("GameMetricsPostgres", glue + [crypto, postgres, postgresPool]),
    sharedModule("GameMetricsKafka", glue + ["Kafka", metrics]),
    sharedModule("GameMetricsRedis", glue + ["Redis"]),
    sharedModule("GameMetricsS3", glue + ["S3", "CurlHTTP"]),
    // Outgoing HTTP: the client, peers' readiness, calls to the user service.
    sharedModule("GameMetricsPeers", glue + ["GameMetricsAuth", "CurlHTTP", httpTypes]),
    // The GDPR erasure participant: consumes privacy.erasure, erases in PostgreSQL, publishes the
    // completion; only services that hold player data link it.
    sharedModule("GameMetricsErasure", glue + ["GameMetricsPostgres", "GameMetricsKafka", "Kafka", metrics, postgres]),
    // Hash-chained, append-only audit logs whose heads and daily digests are anchored in S3 under
    // their own credential: one implementation for every service that keeps one (ADR 0035).
    sharedModule("GameMetricsAudit", ["GameMetricsKit", "GameMetricsPostgres", "S3", crypto, logging, metrics, postgres, serviceLifecycle]),
    // Implicit-feedback ALS for game recommendations, its offline evaluation and model artifact
    // (ADR 0038): Foundation and Dispatch only; training runs on Dispatch's threads, not the
    // Swift concurrency pool.
    sharedModule("GameMetricsRecommender", []),

    // Checks of the platform contract that every service's test suite reuses.
    sharedModule("GameMetricsTesting", allSharedModules + [httpTypes, hummingbird, hummingbirdTesting, postgres, logging, serviceLifecycle]),
    sharedTests("GameMetricsAuthTests", ["GameMetricsAuth"]),
    sharedTests("GameMetricsRecommenderTests", ["GameMetricsRecommender"]),
    sharedTests("GameMetricsKitTests", ["GameMetricsKit", "GameMetricsHTTP", "GameMetricsTesting", hummingbird, hummingbirdTesting]),
    // The event-parser fuzzer's differential oracle and corpus generator (fuzz/event-parser), which
    // the integration tests replay against PostgreSQL.
    .target(
        name: "EventParserOracle", dependencies: ["GameMetricsKit"],
        path: "fuzz/event-parser/Sources/EventParserOracle", swiftSettings: swiftSettings
    ),
    // Needs real servers; their addresses come from GM_TEST_* variables (see tools/platform/test.sh).
    // It builds (never runs) each of the eight services to derive the call graph the charts'
    // network policies are checked against (CallGraphTests).
    sharedTests(
        "IntegrationTests",
        allSharedModules + ["GameMetricsTesting", "EventParserOracle", hummingbird, hummingbirdTesting, logging, serviceLifecycle, postgres]
            + services.map { .target(name: $0.module) }),
]

// MARK: - Tools and benchmarks

let toolTargets: [Target] = [
    // A local Kafka: an HTTP control API over librdkafka's mock cluster; no database driver.
    executable("DevKafka", path: "tools/devkafka/Sources/DevKafka", ["CRdKafka", "GameMetricsKit", "GameMetricsHTTP", hummingbird, logging, serviceLifecycle]),
    // Sends events over libcurl; no HTTP server, no database driver.
    executable("PlayerSimulator", path: "tools/simulator/Sources/PlayerSimulator", ["GameMetricsKit", "CurlHTTP", logging]),
    .testTarget(
        name: "PlayerSimulatorTests",
        dependencies: ["PlayerSimulator"],
        path: "tools/simulator/Tests/PlayerSimulatorTests", swiftSettings: swiftSettings
    ),
    // The machine's HTTP ceiling: the smallest Hummingbird server, measured beside ingestion.
    executable("HelloWorldServer", path: "bench/ingestion/Sources/HelloWorldServer", [hummingbird]),
    executable("TokenBench", path: "bench/user-tokens/Sources/TokenBench", ["GameMetricsAuth"]),
    executable("EventValidationBench", path: "bench/event-validation/Sources/EventValidationBench", ["GameMetricsKit"]),
    executable("KafkaProducerBench", path: "bench/kafka-producer/Sources/KafkaProducerBench", ["Kafka"]),
    executable("RecommenderBench", path: "bench/recommendation/Sources/RecommenderBench", ["GameMetricsRecommender"]),
]

// MARK: - Package

let package = Package(
    name: "GameMetricsPro",
    platforms: [.macOS(.v14)],
    products: services.map { .executable(name: $0.directory, targets: [$0.module]) } + [
        .executable(name: "devkafka", targets: ["DevKafka"]),
        .executable(name: "player-simulator", targets: ["PlayerSimulator"]),
        .executable(name: "hello-world-server", targets: ["HelloWorldServer"]),
        .executable(name: "kafka-producer-bench", targets: ["KafkaProducerBench"]),
        .executable(name: "token-bench", targets: ["TokenBench"]),
        .executable(name: "event-validation-bench", targets: ["EventValidationBench"]),
        .executable(name: "recommender-bench", targets: ["RecommenderBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
        .package(url: "https://github.com/GraphQLSwift/Graphiti.git", from: "3.1.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL.git", from: "4.3.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: sharedTargets + toolTargets + services.flatMap(service)
)
