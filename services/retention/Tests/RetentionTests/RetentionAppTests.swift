import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import Retention

@Suite("retention service")
struct RetentionAppTests {
    @Test("stays live and reports postgres and s3 as not ready while they do not answer")
    func keepsThePlatformContract() async throws {
        let application = try buildApplication(environment: PlatformContract.unreachableDependencies)
        try await PlatformContract.expectLiveButNotReady(application, naming: ["postgres", "s3"])
    }

    @Test("/metrics answers 404 on the public port and is served on the internal one")
    func operatorEndpointsAreInternal() async throws {
        try await PlatformContract.expectOperatorEndpointsOnlyOnInternalPort() { try buildApplication(environment: $0) }
    }
}
