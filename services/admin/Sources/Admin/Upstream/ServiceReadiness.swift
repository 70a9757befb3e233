import CurlHTTP
import Foundation
import HTTPTypes

/// The readiness of the platform's services, as each reports it at `GET /health/ready`.
struct ServiceReadiness: Sendable {
    struct Row: Sendable {
        let service: String
        let state: String
        /// "ready", "not-ready" or "unreachable": the row's style.
        let tone: String
        let detail: String
    }

    private struct Report: Decodable {
        let status: String
        let checks: [String: String]
    }

    let http: HTTPClient
    let targets: [(name: String, url: URL)]

    /// Every target, asked concurrently, each within 2 s.
    func rows() async -> [Row] {
        await withTaskGroup(of: (Int, Row).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { (index, await row(target.name, target.url)) }
            }
            var rows: [(Int, Row)] = []
            for await row in group { rows.append(row) }
            return rows.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func row(_ name: String, _ url: URL) async -> Row {
        do {
            let (response, body) = try await http.execute(HTTPRequest(method: .get, url: url.appendingPathComponent("health/ready")), timeout: .seconds(2))
            let report = try? JSONDecoder().decode(Report.self, from: Data(body))
            let failing = (report?.checks ?? [:]).filter { $0.value != "ok" }.map { "\($0.key): \($0.value)" }.sorted()
            if response.status == .ok { return Row(service: name, state: "Ready", tone: "ready", detail: "") }
            let status = report?.status.replacingOccurrences(of: "_", with: " ") ?? "HTTP \(response.status.code)"
            return Row(service: name, state: "Not ready (\(status))", tone: "not-ready", detail: failing.joined(separator: "; "))
        } catch {
            return Row(service: name, state: "Unreachable", tone: "unreachable", detail: "no answer within 2 s")
        }
    }
}
