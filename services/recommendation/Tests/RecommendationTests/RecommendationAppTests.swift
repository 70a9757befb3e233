import GameMetricsTesting
import Testing

@testable import Recommendation

@Suite("recommendation service")
struct RecommendationAppTests {
    @Test("keeps the platform contract: live, not ready while postgres and redis do not answer, /metrics internal only, its OpenAPI document true")
    func keepsThePlatformContract() async throws {
        try await PlatformContract.expectKept(notReadyWhileUnanswered: ["postgres", "redis"]) { try buildApplication(environment: $0) }
    }
}
