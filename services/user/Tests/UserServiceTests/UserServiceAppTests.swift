import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import UserService

@Suite("user service")
struct UserServiceAppTests {
    @Test("stays live and reports kafka and postgres as not ready while they do not answer")
    func keepsThePlatformContract() async throws {
        let application = try buildApplication(environment: PlatformContract.unreachableDependencies)
        try await PlatformContract.expectLiveButNotReady(application, naming: ["kafka", "postgres"])
    }
}
