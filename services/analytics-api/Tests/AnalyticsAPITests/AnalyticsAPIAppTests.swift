import GameMetricsTesting
import Testing

@testable import AnalyticsAPI

@Suite("analytics-api service")
struct AnalyticsAPIAppTests {
    @Test("keeps the platform contract: live, not ready while postgres (both pools) and kafka do not answer nor while its consumers have not prepared, /metrics internal only, its OpenAPI document true")
    func keepsThePlatformContract() async throws {
        try await PlatformContract.expectKept(notReadyWhileUnanswered: ["postgres", "postgres-reads", "kafka"], unpreparedConsumers: ["erasure-consumer", "invalid-events-consumer"]) { try buildApplication(environment: $0) }
    }
}
