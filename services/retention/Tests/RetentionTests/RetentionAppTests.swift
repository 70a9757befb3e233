import GameMetricsTesting
import Testing

@testable import Retention

@Suite("retention service")
struct RetentionAppTests {
    @Test("keeps the platform contract: live, not ready while postgres and s3 do not answer, /metrics internal only, its OpenAPI document true")
    func keepsThePlatformContract() async throws {
        try await PlatformContract.expectKept(notReadyWhileUnanswered: ["postgres", "s3"]) { try buildApplication(environment: $0) }
    }
}
