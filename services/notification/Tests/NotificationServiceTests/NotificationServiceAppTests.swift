import Foundation
import GameMetricsKit
import Hummingbird
import HummingbirdTesting
import Testing

@testable import NotificationService

@Suite("notification service")
struct NotificationServiceAppTests {
    /// Every dependency points at a closed port, so none of them answers.
    let environment = EnvironmentReader([
        "GM_KAFKA_BOOTSTRAP": "127.0.0.1:1"
    ])

    @Test("answers liveness even while its dependencies are down")
    func answersLiveness() async throws {
        try await buildApplication(environment: environment).test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("is not ready and names each dependency that does not answer")
    func reportsEachDependency() async throws {
        try await buildApplication(environment: environment).test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let report = try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
                #expect(report.checks.keys.sorted() == ["kafka"])
                #expect(report.checks.values.allSatisfy { $0.hasPrefix("error") })
            }
        }
    }
}
