import GameMetricsTesting
import Testing

@testable import Admin

@Suite("admin service")
struct AdminAppTests {
    @Test("keeps the platform contract: live, not ready while analytics-api, Redis and user do not answer, /metrics internal only, its OpenAPI document true")
    func keepsThePlatformContract() async throws {
        try await PlatformContract.expectKept(notReadyWhileUnanswered: ["analytics-api", "redis", "user"]) { try buildApplication(environment: $0) }
    }
}
