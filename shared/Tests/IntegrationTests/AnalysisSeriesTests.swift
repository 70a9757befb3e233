import CurlHTTP
import Foundation
import GameMetricsTesting
import HTTPTypes
import Testing

/// The canary analyses query series by name and label (charts/gamemetrics-lib/templates/_analysis.tpl);
/// a name or label the service does not export would make a query empty, and `or vector(0)`
/// would turn that into a pass for every canary. So each HTTP service runs here as its real
/// executable, in a process of its own (its own metrics registry, as in a pod), answers a few
/// requests, and its internal port's `/metrics` must hold every series its analysis reads
/// (tools/charts/analysis-series.json, derived from the rendered charts by tools/charts/analysis.py).
@Suite("each HTTP service's scraped /metrics holds the series its canary analysis queries")
struct AnalysisSeriesTests {
    /// A request to the service's own API: a route it serves where it has one, otherwise a path
    /// it answers 404 (counted under the router's name for it, `NotFound`).
    static let apiRequests: [String: (method: HTTPRequest.Method, path: String)] = [
        "admin": (.get, "/v1/canary-probe"),
        "analytics-api": (.get, "/v1/canary-probe"),
        "ingestion": (.post, "/v1/events"),
        "notification": (.get, "/v1/canary-probe"),
        "recommendation": (.get, "/v1/canary-probe"),
        "retention": (.get, "/v1/canary-probe"),
        "user": (.get, "/.well-known/jwks.json"),
    ]
    /// Checked by ProcessorTests' AnalysisSeriesTests: its series need a consumer group and a
    /// store that fails.
    static let checkedElsewhere: Set<String> = ["processor"]

    @Test("every service whose chart has a canary analysis is checked against its scraped output")
    func everyAnalysedServiceIsChecked() throws {
        let analysed = Set(try AnalysisSeries.load().services.keys)
        #expect(analysed == Set(Self.apiRequests.keys).union(Self.checkedElsewhere))
    }

    @Test(
        "after health checks and an API request, the service exports each series its analysis reads, with the labels the queries match on",
        arguments: apiRequests.keys.sorted())
    func exportsAnalysedSeries(service: String) async throws {
        let required = try AnalysisSeries.load().required(by: service)
        // test.sh builds every executable into one folder and names the user service's.
        let binary = URL(fileURLWithPath: try TestServers.value("GM_TEST_USER_BIN")).deletingLastPathComponent()
            .appendingPathComponent(service).path
        if service == "user" {
            // The user service migrates its database before it serves: it needs a real one.
            try await TestDatabase.withFresh { url in
                try await expectSeries(required, service: service, binary: binary, environment: ["GM_PG_URL": url])
            }
        } else {
            try await expectSeries(required, service: service, binary: binary, environment: [:])
        }
    }

    private func expectSeries(
        _ required: [String: [String]], service: String, binary: String, environment extra: [String: String]
    ) async throws {
        let port = try PlatformContract.freeLoopbackPort()
        let internalPort = try PlatformContract.freeLoopbackPort()
        let environment = PlatformContract.unreachableDependencyVariables.merging([
            "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": String(port), "GM_INTERNAL_HTTP_PORT": String(internalPort),
            "GM_LOG_LEVEL": "warning",
        ]) { $1 }.merging(extra) { $1 }
        let process = try ServiceProcess.start(binary, environment: environment)
        defer { process.kill() }
        try await eventually(.seconds(60)) { (try? await status(port, .get, "/health/live")) == 200 }
        _ = try await status(port, .get, "/health/ready")
        let request = try #require(Self.apiRequests[service])
        let answered = try await status(port, request.method, request.path)
        #expect(process.isRunning, "\(service) exited")

        var scraped: ScrapedMetrics?
        try await eventually(.seconds(30)) {
            scraped = try? await ScrapedMetrics.scrape(port: internalPort)
            return scraped != nil
        }
        let metrics = try #require(scraped)
        let missing = metrics.missing(required)
        #expect(missing.isEmpty, "\(service): \(missing.joined(separator: "; "))")

        // The queries leave the health checks out by route (`route!~"/health/.*"`): the health
        // checks must be counted under such routes, the API request under another.
        if required["gm_http_requests_total"] != nil {
            let routes = Set(metrics.labelSets(of: "gm_http_requests_total").compactMap { $0["route"] })
            #expect(routes.contains("/health/live"), "\(service): routes counted \(routes.sorted())")
            #expect(routes.contains { !$0.hasPrefix("/health/") }, "\(service): \(request.method) \(request.path) (answered \(answered)) not counted: \(routes.sorted())")
            let statuses = Set(metrics.labelSets(of: "gm_http_requests_total").compactMap { $0["status"] })
            #expect(statuses.contains(String(answered)), "\(service): status \(answered) not counted as a number: \(statuses.sorted())")
        }
    }

    private func status(_ port: Int, _ method: HTTPRequest.Method, _ path: String) async throws -> Int {
        let body: [UInt8]? = method == .post ? Array("{}".utf8) : nil
        var request = HTTPRequest(method: method, url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        if body != nil { request.headerFields[.contentType] = "application/json" }
        return try await testHTTPClient.execute(request, body: body, timeout: .seconds(10)).response.status.code
    }
}
