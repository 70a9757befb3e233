import GameMetricsTesting
import Testing

@testable import Recommendation

@Suite("recommendation service")
struct RecommendationAppTests {
    @Test(
        "keeps the platform contract: live, not ready while PostgreSQL, Redis, S3 and Kafka do not answer (nor before the rollouts were read), /metrics internal only, its OpenAPI document true"
    )
    func keepsThePlatformContract() async throws {
        try await PlatformContract.expectKept(
            notReadyWhileUnanswered: ["postgres", "postgres-reads", "redis", "s3", "kafka", "rollouts"],
            unpreparedConsumers: ["erasure-consumer", "activity-consumer"]
        ) { try buildApplication(environment: $0) }
    }
}
