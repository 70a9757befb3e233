import Foundation

/// The series each service's canary analysis reads: `tools/charts/analysis-series.json`, which
/// tools/charts/analysis.py derives from the rendered AnalysisTemplates (and `make test` keeps
/// in step with them). Tests compare it with what the real service exports on `/metrics`
/// (docs/canary-analysis.md).
public struct AnalysisSeries: Decodable, Sendable {
    /// Per service: metric name -> label names its analysis queries rely on.
    public let services: [String: [String: [String]]]
    /// Labels Prometheus adds when it scrapes (the ServiceMonitor's), not exported by services.
    public let targetLabels: [String]

    enum CodingKeys: String, CodingKey {
        case services
        case targetLabels = "target_labels"
    }

    /// This source file: shared/Sources/GameMetricsTesting/ in the checkout.
    private static let sourceFile = #filePath

    /// The file in this checkout.
    public static func load() throws -> AnalysisSeries {
        let root = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("tools/charts/analysis-series.json")
        return try JSONDecoder().decode(AnalysisSeries.self, from: Data(contentsOf: file))
    }

    /// What `service`'s analysis reads; a service with no entry fails the calling test.
    public func required(by service: String) throws -> [String: [String]] {
        guard let required = services[service] else { throw NoAnalysis(service: service) }
        return required
    }

    public struct NoAnalysis: Error, CustomStringConvertible {
        public let service: String
        public var description: String { "tools/charts/analysis-series.json names no analysis of \(service)" }
    }
}
