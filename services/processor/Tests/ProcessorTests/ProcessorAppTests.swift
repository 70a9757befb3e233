import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import Processor

@Suite("processor service")
struct ProcessorAppTests {
    @Test("stays live and reports kafka and postgres as not ready while they do not answer; the event store has not failed yet")
    func keepsThePlatformContract() async throws {
        let application = try buildApplication(environment: PlatformContract.unreachableDependencies)
        try await PlatformContract.expectLiveButNotReady(application, naming: ["kafka", "postgres"], ownChecks: ["event-store"])
    }
}
