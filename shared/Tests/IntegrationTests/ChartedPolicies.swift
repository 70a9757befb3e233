import Foundation
import GameMetricsTesting

/// Every edge the rendered service charts allow, as `tools/charts/edges.py` prints it (run with
/// `GM_TEST_CHARTS_PYTHON`, the charts' virtualenv that `tools/platform/test.sh` names):
/// `networkPolicy` also holds the edges to infrastructure and Prometheus's scrapes;
/// `authorizationPolicy` only edges whose target is one of the eight services; `halfOpen` the
/// edges between services that only one side's NetworkPolicy allows (the caller's egress or the
/// callee's ingress), which therefore do not work.
struct ChartedPolicies: Decodable {
    var networkPolicy: [CallEdge]
    var authorizationPolicy: [CallEdge]
    var halfOpen: [CallEdge]

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func render() async throws -> ChartedPolicies {
        let python = try TestServers.value("GM_TEST_CHARTS_PYTHON")
        let result = try await ChildProcess.capture(python, ["tools/charts/edges.py"], in: repositoryRoot)
        guard result.status == 0 else { throw RendererFailed(status: result.status, stderr: result.standardError) }
        return try JSONDecoder().decode(ChartedPolicies.self, from: result.standardOutput)
    }

    struct RendererFailed: Error, CustomStringConvertible {
        var status: Int32
        var stderr: String
        var description: String { "tools/charts/edges.py exited \(status): \(stderr)" }
    }
}
