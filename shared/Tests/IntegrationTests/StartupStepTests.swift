import Foundation
import Glibc
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

    /// A cancelled Hummingbird server traps ("Deinited NIOAsyncWriter without calling finish()",
    /// apple/swift-nio#3481) when a connection it accepted was not yet handed out; a step's final
    /// failure therefore shuts the application down gracefully, so the server drains instead.
    @Test("a final failure while clients keep connecting drains the servers and ends the run with the step's error")
    func finalFailureUnderConnections() async throws {
        for round in 1...10 {
            let port = try PlatformContract.freeLoopbackPort()
            let step = StartupStep("strict", retryingWhen: { $0 is DidNotAnswer }) {
                try await Task.sleep(for: .milliseconds(300))
                throw Refused()
            }
            let application = ServiceApplication.build(
                ServiceConfiguration(name: "startup-steps", host: "127.0.0.1", port: port, internalPort: 0, logLevel: .critical), checks: [],
                logger: Logger(label: "startup-step-tests"), startupSteps: [step])
            let runError: (any Error)? = await withTaskGroup(of: (any Error)?.self) { group in
                group.addTask {
                    do { try await application.run() } catch { return error }
                    return nil
                }
                for _ in 0..<6 {
                    group.addTask {
                        while !Task.isCancelled {
                            connectAndClose(port: port)
                            await Task.yield()
                        }
                        return nil
                    }
                }
                let first = await group.next()!
                group.cancelAll()
                return first
            }
            #expect((runError as? StartupStepFailed)?.step == "strict", "round \(round): the run ended with \(String(describing: runError))")
        }
    }
}

/// Opens a TCP connection and closes it: the server accepts it, whatever it does next.
private func connectAndClose(port: Int) {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { return }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
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
