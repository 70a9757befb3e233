import Foundation
import GameMetricsHTTP
import HummingbirdTesting

extension TestClientProtocol {
    /// Returns once the application's start-up steps have finished: its readiness check
    /// `startup` is `ok` (or it has none). Other checks may fail meanwhile — tests run services
    /// without some of their dependencies. Throws ``StartupFailed`` when a step failed for good
    /// (the application is stopping), and when `limit` passes first.
    public func waitUntilStarted(within limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        var last = "no answer"
        while ContinuousClock.now < deadline {
            let report = try await execute(uri: "/health/ready", method: .get) { response in
                try? JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
            }
            guard let report else {
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            // Draining: the application is stopping, as it does when a step fails for good.
            if report.status == "draining" { throw StartupFailed(description: "the application is stopping: \(last)") }
            guard let startup = report.checks["startup"], startup != "ok" else { return }
            if startup.contains("failed") { throw StartupFailed(description: startup) }
            last = startup
            try await Task.sleep(for: .milliseconds(50))
        }
        throw StartupFailed(description: "start-up did not finish within \(limit): \(last)")
    }
}

/// The application's start-up steps failed, or did not finish in time.
public struct StartupFailed: Error, CustomStringConvertible {
    public let description: String
}
