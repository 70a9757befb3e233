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
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let asyncAlgorithms: Target.Dependency = .product(name: "AsyncAlgorithms", package: "swift-async-algorithms")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cryptoExtras: Target.Dependency = .product(name: "CryptoExtras", package: "swift-crypto")

let sharedLibraries: [Target.Dependency] = ["GameMetricsService", "GameMetricsKit", "GameMetricsAuth", "Kafka", "Redis", "CurlHTTP", "S3"]
let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

// MARK: - Service helper

/// Declares one service: its executable at `services/<directory>/Sources/<module>` and its
/// swift-testing suite at `services/<directory>/Tests/<module>Tests`, which may also depend on
/// other services (`testDependencies`) to run them as real peers.
func service(
    _ directory: String, module: String, resources: [Resource]? = nil, dependencies: [Target.Dependency] = [], testDependencies: [String] = []
) -> [Target] {
    [
        .executableTarget(
            name: module,
            dependencies: sharedLibraries + [hummingbird, logging, serviceLifecycle, postgres] + dependencies,
            path: "services/\(directory)/Sources/\(module)",
            resources: resources,
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "\(module)Tests",
            dependencies: [.target(name: module), "GameMetricsTesting", crypto] + testDependencies.map { .target(name: $0) },
            path: "services/\(directory)/Tests/\(module)Tests",
            swiftSettings: swiftSettings
        ),
    ]
}

let services: [(directory: String, module: String, resources: [Resource]?, testDependencies: [String])] = [
    ("ingestion", "Ingestion", [.copy("openapi.json")], ["UserService"]),
    ("processor", "Processor", nil, ["UserService"]),
    ("recommendation", "Recommendation", nil, []),
    ("analytics-api", "AnalyticsAPI", nil, []),
    ("user", "UserService", [.copy("openapi.json")], []),
    ("notification", "NotificationService", nil, []),
    ("retention", "Retention", nil, []),
    ("admin", "Admin", nil, []),
]

// MARK: - Shared library

let sharedTargets: [Target] = [
    .systemLibrary(
        name: "CRdKafka", path: "shared/Sources/CRdKafka", pkgConfig: "rdkafka",
        providers: [.apt(["librdkafka-dev"])]
    ),
    .systemLibrary(
        name: "CHiredis", path: "shared/Sources/CHiredis", pkgConfig: "hiredis",
        providers: [.apt(["libhiredis-dev"])]
    ),
    .systemLibrary(
        name: "CCurl", path: "shared/Sources/CCurl", pkgConfig: "libcurl",
        providers: [.apt(["libcurl4-openssl-dev"])]
    ),
    .systemLibrary(
        name: "CZlib", path: "shared/Sources/CZlib", pkgConfig: "zlib",
        providers: [.apt(["zlib1g-dev"])]
    ),
    // glibc's mallopt, to cap malloc arenas in every service (see ServiceMain).
    .systemLibrary(name: "CMalloc", path: "shared/Sources/CMalloc"),
    .target(
        name: "GameMetricsKit",
        dependencies: ["CZlib", "CMalloc", crypto, hummingbird, httpTypes, logging, metrics, prometheus, serviceLifecycle, postgres],
        path: "shared/Sources/GameMetricsKit", swiftSettings: swiftSettings
    ),
    .target(
        name: "Kafka", dependencies: ["CRdKafka", logging, serviceLifecycle],
        path: "shared/Sources/Kafka", swiftSettings: swiftSettings
    ),
    .target(
        name: "Redis", dependencies: ["CHiredis", logging],
        path: "shared/Sources/Redis", swiftSettings: swiftSettings
    ),
    .target(
        name: "CurlHTTP", dependencies: ["CCurl"],
        path: "shared/Sources/CurlHTTP", swiftSettings: swiftSettings
    ),
    .target(
        name: "S3", dependencies: ["CurlHTTP"],
        path: "shared/Sources/S3", swiftSettings: swiftSettings
    ),
    // Password hashing, signed tokens (JWT/JWKS), PKCE and opaque secrets.
    .target(
        name: "GameMetricsAuth", dependencies: [crypto, cryptoExtras],
        path: "shared/Sources/GameMetricsAuth", swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "GameMetricsAuthTests", dependencies: ["GameMetricsAuth"],
        path: "shared/Tests/GameMetricsAuthTests", swiftSettings: swiftSettings
    ),
    // Glue every service shares: client configuration from GM_* variables, readiness checks,
    // and the one way a service application is assembled.
    .target(
        name: "GameMetricsService",
        dependencies: ["GameMetricsKit", "GameMetricsAuth", "Kafka", "Redis", "CurlHTTP", "S3", hummingbird, logging, serviceLifecycle, postgres, crypto],
        path: "shared/Sources/GameMetricsService", swiftSettings: swiftSettings
    ),
    // Checks of the platform contract that every service's test suite reuses.
    .target(
        name: "GameMetricsTesting",
        dependencies: ["GameMetricsKit", "Kafka", "Redis", hummingbird, hummingbirdTesting, postgres, logging, serviceLifecycle],
        path: "shared/Sources/GameMetricsTesting", swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "GameMetricsKitTests",
        dependencies: ["GameMetricsKit", hummingbird, hummingbirdTesting],
        path: "shared/Tests/GameMetricsKitTests", swiftSettings: swiftSettings
    ),
    // Needs real servers; their addresses come from GM_TEST_* variables (see tools/platform/test.sh).
    // The event-parser fuzzer's differential oracle and corpus generator (fuzz/event-parser), which
    // the integration tests replay against PostgreSQL.
    .target(
        name: "EventParserOracle", dependencies: ["GameMetricsKit"],
        path: "fuzz/event-parser/Sources/EventParserOracle", swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "IntegrationTests",
        dependencies: ["Kafka", "Redis", "S3", "CurlHTTP", "GameMetricsKit", "GameMetricsService", "GameMetricsTesting", "EventParserOracle", hummingbird, hummingbirdTesting, logging, serviceLifecycle, postgres],
        path: "shared/Tests/IntegrationTests", swiftSettings: swiftSettings
    ),
]

// MARK: - Tools and benchmarks

let toolTargets: [Target] = [
    .executableTarget(
        name: "DevKafka",
        dependencies: ["CRdKafka", "GameMetricsKit", hummingbird, logging, serviceLifecycle],
        path: "tools/devkafka/Sources/DevKafka", swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "PlayerSimulator",
        dependencies: ["GameMetricsKit", "CurlHTTP", logging],
        path: "tools/simulator/Sources/PlayerSimulator", swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "PlayerSimulatorTests",
        dependencies: ["PlayerSimulator"],
        path: "tools/simulator/Tests/PlayerSimulatorTests", swiftSettings: swiftSettings
    ),
    // The machine's HTTP ceiling: the smallest Hummingbird server, measured beside ingestion.
    .executableTarget(
        name: "HelloWorldServer",
        dependencies: [hummingbird],
        path: "bench/ingestion/Sources/HelloWorldServer", swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "TokenBench",
        dependencies: ["GameMetricsAuth"],
        path: "bench/user-tokens/Sources/TokenBench", swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "EventValidationBench",
        dependencies: ["GameMetricsKit"],
        path: "bench/event-validation/Sources/EventValidationBench", swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "KafkaProducerBench",
        dependencies: ["Kafka"],
        path: "bench/kafka-producer/Sources/KafkaProducerBench", swiftSettings: swiftSettings
    ),
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
    ],
    targets: sharedTargets + toolTargets + services.flatMap {
        // The processor's pipeline stages hand batches on through AsyncChannel.
        service($0.directory, module: $0.module, resources: $0.resources,
                dependencies: $0.module == "Processor" ? [asyncAlgorithms] : [], testDependencies: $0.testDependencies)
    }
)
