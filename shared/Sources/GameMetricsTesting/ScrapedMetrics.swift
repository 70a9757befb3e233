import CurlHTTP
import Foundation
import HTTPTypes

/// The series of a Prometheus text exposition (what Prometheus scrapes from `/metrics`): per
/// metric name, the label sets of its samples.
public struct ScrapedMetrics: Sendable {
    public let series: [String: [[String: String]]]

    /// Parses the text format: `name{label="value",...} value [timestamp]` lines; `#` lines are
    /// comments (HELP, TYPE). Label values may hold escaped quotes, backslashes and newlines.
    public init(text: String) throws {
        var series: [String: [[String: String]]] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            let (name, labels) = try Self.parseSample(Substring(line))
            series[name, default: []].append(labels)
        }
        self.series = series
    }

    /// GETs `/metrics` on `127.0.0.1:port` (a service's internal port).
    public static func scrape(port: Int) async throws -> ScrapedMetrics {
        let (response, body) = try await testHTTPClient.execute(
            HTTPRequest(method: .get, url: URL(string: "http://127.0.0.1:\(port)/metrics")!), timeout: .seconds(10))
        guard response.status == .ok else { throw Malformed(line: "GET /metrics answered \(response.status.code)") }
        return try ScrapedMetrics(text: String(decoding: body, as: UTF8.self))
    }

    /// Label sets of `metric` (none when it is not exported).
    public func labelSets(of metric: String) -> [[String: String]] {
        series[metric] ?? []
    }

    /// What `required` (metric name -> label names) asks for that no series here has: a metric
    /// not exported, or exported without one of the labels.
    public func missing(_ required: [String: [String]]) -> [String] {
        var missing: [String] = []
        for (metric, labels) in required.sorted(by: { $0.key < $1.key }) {
            let sets = labelSets(of: metric)
            if sets.isEmpty {
                missing.append("\(metric) is not exported")
                continue
            }
            for label in labels where !sets.contains(where: { $0[label] != nil }) {
                missing.append("\(metric) has no label \(label)")
            }
        }
        return missing
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let line: String
        public var description: String { "not a Prometheus text sample: \(line)" }
    }

    private static func parseSample(_ line: Substring) throws -> (String, [String: String]) {
        guard let nameEnd = line.firstIndex(where: { $0 == "{" || $0 == " " }) else { throw Malformed(line: String(line)) }
        let name = String(line[..<nameEnd])
        var labels: [String: String] = [:]
        guard line[nameEnd] == "{" else { return (name, labels) }
        var index = line.index(after: nameEnd)
        while index < line.endIndex, line[index] != "}" {
            guard let equals = line[index...].firstIndex(of: "=") else { throw Malformed(line: String(line)) }
            let key = line[index..<equals].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
            index = line.index(after: equals)
            guard index < line.endIndex, line[index] == "\"" else { throw Malformed(line: String(line)) }
            index = line.index(after: index)
            var value = ""
            while index < line.endIndex, line[index] != "\"" {
                if line[index] == "\\" {
                    index = line.index(after: index)
                    guard index < line.endIndex else { throw Malformed(line: String(line)) }
                    value.append(line[index] == "n" ? "\n" : line[index])
                } else {
                    value.append(line[index])
                }
                index = line.index(after: index)
            }
            guard index < line.endIndex else { throw Malformed(line: String(line)) }
            labels[key] = value
            index = line.index(after: index)
            while index < line.endIndex, line[index] == "," || line[index] == " " { index = line.index(after: index) }
        }
        guard index < line.endIndex else { throw Malformed(line: String(line)) }
        return (name, labels)
    }
}
