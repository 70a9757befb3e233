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
}
