import Foundation
import GameMetricsKit
import Hummingbird
import Synchronization

/// `/health/live` answers while the process serves HTTP; `/health/ready` only while every
/// dependency answers within `timeout` and the service is not draining for shutdown.
public final class HealthController: Sendable {
    private let checks: [ReadinessCheck]
    private let timeout: Duration
    private let draining = Atomic<Bool>(false)

    public init(checks: [ReadinessCheck], timeout: Duration = .seconds(2)) {
        self.checks = checks
        self.timeout = timeout
    }

    /// Called when graceful shutdown starts, so load balancers stop sending new requests.
    public func startDraining() {
        draining.store(true, ordering: .relaxed)
    }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("health/live") { _, _ in
            Self.json(.ok, HealthReport(status: "live", checks: [:]))
        }
        router.get("health/ready") { _, _ in
            let report = await self.readiness()
            return Self.json(report.status == "ready" ? .ok : .serviceUnavailable, report)
        }
    }

    public func readiness() async -> HealthReport {
        if draining.load(ordering: .relaxed) {
            return HealthReport(status: "draining", checks: [:])
        }
        let results = await withTaskGroup(of: (String, String).self) { group in
            for check in checks {
                group.addTask { (check.name, await Self.run(check, timeout: self.timeout)) }
            }
            return await group.reduce(into: [String: String]()) { $0[$1.0] = $1.1 }
        }
        let ready = results.values.allSatisfy { $0 == "ok" }
        return HealthReport(status: ready ? "ready" : "not_ready", checks: results)
    }

    private static func run(_ check: ReadinessCheck, timeout: Duration) async -> String {
        do {
            try await withTimeout(timeout) { try await check.probe() }
            return "ok"
        } catch {
            return "error: \(error)"
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ report: HealthReport) -> Response {
        let body = (try? JSONEncoder.api.encode(report)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

public struct HealthReport: Codable, Sendable, Equatable {
    public let status: String
    public let checks: [String: String]
}
