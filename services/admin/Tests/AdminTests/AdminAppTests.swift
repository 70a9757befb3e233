import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import Admin

@Suite("admin service")
struct AdminAppTests {
    @Test("stays live and reports analytics-api and user as not ready while they do not answer")
    func keepsThePlatformContract() async throws {
        let application = try buildApplication(environment: PlatformContract.unreachableDependencies)
        try await PlatformContract.expectLiveButNotReady(application, naming: ["analytics-api", "user"])
    }

    @Test("/metrics answers 404 on the public port and is served on the internal one")
    func operatorEndpointsAreInternal() async throws {
        try await PlatformContract.expectOperatorEndpointsOnlyOnInternalPort() { try buildApplication(environment: $0) }
    }
}
