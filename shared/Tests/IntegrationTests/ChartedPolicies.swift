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
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edges-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Files, not pipes: a long output cannot fill a pipe and stall the renderer.
        let stdout = folder.appendingPathComponent("stdout"), stderr = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["tools/charts/edges.py"]
        process.currentDirectoryURL = repositoryRoot
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            throw RendererFailed(status: status, stderr: String(decoding: try Data(contentsOf: stderr), as: UTF8.self))
        }
        return try JSONDecoder().decode(ChartedPolicies.self, from: Data(contentsOf: stdout))
    }

    struct RendererFailed: Error, CustomStringConvertible {
        var status: Int32
        var stderr: String
        var description: String { "tools/charts/edges.py exited \(status): \(stderr)" }
    }
}
