import GameMetricsTesting
import Testing

@testable import NotificationService

@Suite("notification service")
struct NotificationServiceAppTests {
    @Test("keeps the platform contract: live, not ready while kafka do not answer, /metrics internal only, its OpenAPI document true")
    func keepsThePlatformContract() async throws {
        try await PlatformContract.expectKept(notReadyWhileUnanswered: ["kafka"]) { try buildApplication(environment: $0) }
    }
}
