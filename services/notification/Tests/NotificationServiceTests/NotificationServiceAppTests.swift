import GameMetricsTesting
import Testing

@testable import NotificationService

@Suite("notification service")
struct NotificationServiceAppTests {
    @Test("keeps the platform contract: live, not ready while PostgreSQL, Kafka and the SMTP relay do not answer, /metrics internal only, its OpenAPI document true")
    func keepsThePlatformContract() async throws {
        try await PlatformContract.expectKept(
            notReadyWhileUnanswered: ["postgres", "kafka", "smtp"],
            unpreparedConsumers: ["erasure-consumer", "requests-consumer", "achievements-consumer", "recommendations-consumer"]
        ) { try buildApplication(environment: $0) }
    }
}
