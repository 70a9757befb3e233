import GameMetricsTesting
import Testing

@testable import Admin

@Suite("admin service")
struct AdminAppTests {
    @Test("keeps the platform contract: live, not ready while analytics-api, Redis and user do not answer, /metrics internal only, its OpenAPI document true")
    func keepsThePlatformContract() async throws {
        // Without a session (schemathesis has none) every page answers 303 to the login before it
        // reads its parameters, so no request is accepted or refused for its data there: those two
        // checks cannot apply. The signed-in answers to good and bad parameters are tested by
        // ConsoleLoginTests and the browser tests (tools/browser/console_scenarios.py).
        try await PlatformContract.expectKept(
            notReadyWhileUnanswered: ["analytics-api", "redis", "user"], excludedContractChecks: ["positive_data_acceptance", "negative_data_rejection"]
        ) { try buildApplication(environment: $0) }
    }
}
