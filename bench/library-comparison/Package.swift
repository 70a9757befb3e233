// swift-tools-version:6.0
import PackageDescription

// Our hand-written pieces beside the packages on the mirror that could replace them, measured in
// one process (docs/adr/0017). A package of its own so that the platform's Package.swift gains no
// dependency: the targets below are symlinks to the platform's own sources, so the bench measures
// the code that ships. Run: bash bench/library-comparison/run.sh
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cryptoExtras: Target.Dependency = .product(name: "CryptoExtras", package: "swift-crypto")

let package = Package(
    name: "LibraryComparison",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "library-comparison", targets: ["LibraryComparison"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64.git", from: "1.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl"),
        // Part of GameMetricsKit: Events (the JSON scanner and writer, RFC 3339, the validator)
        // and Encoding, whole; TraceParent.swift and Gzip.swift in OurPieces.
        .target(name: "GameMetricsKit", dependencies: [crypto], path: "Sources/GameMetricsKit"),
        .target(name: "OurPieces", dependencies: ["CZlib"], path: "Sources/OurPieces"),
        // S3's internal XML and date parsers, with the comparison that needs their internals.
        .target(name: "S3Pieces", path: "Sources/S3Pieces"),
        .target(name: "GameMetricsAuth", dependencies: ["GameMetricsKit", crypto, cryptoExtras], path: "Sources/GameMetricsAuth"),
        .target(name: "CurlHTTP", dependencies: ["CCurl", .product(name: "HTTPTypes", package: "swift-http-types")], path: "Sources/CurlHTTP"),
        .executableTarget(
            name: "LibraryComparison",
            dependencies: [
                "GameMetricsKit", "OurPieces", "S3Pieces", "GameMetricsAuth", "CurlHTTP",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HTTPTypesFoundation", package: "swift-http-types"),
            ],
            path: "Sources/LibraryComparison"
        ),
    ]
)
