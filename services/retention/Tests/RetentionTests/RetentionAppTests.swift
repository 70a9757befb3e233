import GameMetricsTesting
import Testing

@testable import Retention

@Suite("retention service")
struct RetentionAppTests {
    @Test("keeps the platform contract: live, not ready while PostgreSQL, S3 and Kafka do not answer, /metrics internal only, its OpenAPI document true")
    func keepsThePlatformContract() async throws {
        try await PlatformContract.expectKept(notReadyWhileUnanswered: ["postgres", "s3", "kafka"], unpreparedConsumers: ["erasure-consumer"]) {
            try buildApplication(environment: $0)
        }
    }
}
