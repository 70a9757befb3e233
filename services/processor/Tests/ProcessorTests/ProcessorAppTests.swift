import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import Processor

@Suite("processor service")
struct ProcessorAppTests {
    @Test("stays live and reports kafka and postgres as not ready while they do not answer; the event store has not failed yet, and its consumers have not prepared")
    func keepsThePlatformContract() async throws {
        let application = try buildApplication(environment: PlatformContract.unreachableDependencies)
        try await PlatformContract.expectLiveButNotReady(application, naming: ["kafka", "postgres"], ownChecks: ["event-store"], unpreparedConsumers: ["erasure-consumer", "events-consumer"])
    }

    @Test("/metrics and /v1/lag answer 404 on the public port and are served on the internal one")
    func operatorEndpointsAreInternal() async throws {
        try await PlatformContract.expectOperatorEndpointsOnlyOnInternalPort(operatorPaths: ["/v1/lag"]) { try buildApplication(environment: $0) }
    }
}
