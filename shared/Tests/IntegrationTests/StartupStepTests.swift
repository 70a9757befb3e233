import Foundation
import GameMetricsHTTP
import GameMetricsService
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// `ServiceApplication`'s start-up steps (ADR 0023): the API waits behind a 503 while they run,
/// and a failure the step calls transient is retried rather than stopping the service.
@Suite("start-up steps gate the API and retry what may pass")
struct StartupStepTests {
    @Test("a step failing while its dependency does not answer is retried; readiness names the attempt; the API answers 503 until it is done")
    func transientFailuresAreRetried() async throws {
        let attempts = Attempts(), released = Attempts()
        // Two failures, then an attempt that waits for the test to have looked.
        let step = StartupStep("flaky", retryingWhen: { $0 is DidNotAnswer }) {
            if attempts.next() < 3 { throw DidNotAnswer() }
            while released.count == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        let application = ServiceApplication.build(
            ServiceConfiguration(name: "startup-steps", port: 0, internalPort: 0, logLevel: .warning), checks: [],
            logger: Logger(label: "startup-step-tests"), startupSteps: [step]
        ) { router in
            router.get("thing") { _, _ in "done" }
        }
        try await application.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            let gated = try await client.execute(uri: "/thing", method: .get) { ($0.status, $0.headers[.retryAfter], String(buffer: $0.body)) }
            #expect(gated.0 == .serviceUnavailable && gated.1 == "2" && gated.2.contains(#""code":"starting""#), "\(gated)")
            try await client.execute(uri: "/no-such-path", method: .get) { #expect($0.status == .notFound) }
            // Readiness says which attempt runs, and why the last one failed.
            try await eventually(.seconds(30), every: .milliseconds(20)) {
                try await client.execute(uri: "/health/ready", method: .get) { response in
                    let report = try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
                    return response.status == .serviceUnavailable && report.checks["startup"]?.contains("attempt 3") == true
                        && report.checks["startup"]?.contains("did not answer") == true
                }
            }
            _ = released.next()
            try await client.waitUntilStarted()
            #expect(attempts.count == 3)
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/thing", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("a failure the step does not call transient is final: the steps stop and the application is never ready")
    func finalFailureStops() async throws {
        let attempts = Attempts()
        let step = StartupStep("strict", retryingWhen: { $0 is DidNotAnswer }) {
            _ = attempts.next()
            throw Refused()
        }
        let application = ServiceApplication.build(
            ServiceConfiguration(name: "startup-steps", port: 0, internalPort: 0, logLevel: .critical), checks: [],
            logger: Logger(label: "startup-step-tests"), startupSteps: [step])
        try await application.test(.router) { client in
            // Readiness names the failed step, until the stopping application drains.
            await #expect(throws: StartupFailed.self) { try await client.waitUntilStarted(within: .seconds(10)) }
            #expect(attempts.count == 1)
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .serviceUnavailable) }
        }
    }
}

private struct DidNotAnswer: Error, CustomStringConvertible {
    var description: String { "the dependency did not answer" }
}

private struct Refused: Error, CustomStringConvertible {
    var description: String { "refused" }
}

private final class Attempts: Sendable {
    private let value = Atomic(0)

    /// The number of this attempt, from 1.
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }

    var count: Int { value.load(ordering: .relaxed) }
}
