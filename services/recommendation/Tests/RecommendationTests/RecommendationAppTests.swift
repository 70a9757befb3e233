import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import Recommendation

@Suite("recommendation service")
struct RecommendationAppTests {
    @Test("stays live and reports postgres and redis as not ready while they do not answer")
    func keepsThePlatformContract() async throws {
        let application = try buildApplication(environment: PlatformContract.unreachableDependencies)
        try await PlatformContract.expectLiveButNotReady(application, naming: ["postgres", "redis"])
    }

    @Test("/metrics answers 404 on the public port and is served on the internal one")
    func operatorEndpointsAreInternal() async throws {
        try await PlatformContract.expectOperatorEndpointsOnlyOnInternalPort() { try buildApplication(environment: $0) }
    }
}
