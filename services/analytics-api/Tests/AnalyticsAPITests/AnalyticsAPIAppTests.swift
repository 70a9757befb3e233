import GameMetricsTesting
import Testing

@testable import AnalyticsAPI

@Suite("analytics-api service")
struct AnalyticsAPIAppTests {
    @Test("keeps the platform contract: live, not ready while postgres and kafka do not answer, /metrics internal only, its OpenAPI document true")
    func keepsThePlatformContract() async throws {
        try await PlatformContract.expectKept(notReadyWhileUnanswered: ["postgres", "kafka"], ownChecks: ["erasure-consumer", "invalid-events-consumer"]) { try buildApplication(environment: $0) }
    }
}
