import GameMetricsTesting
import Testing

@Suite("the scraped-metrics parser reads Prometheus text as Prometheus does")
struct ScrapedMetricsTests {
    @Test("samples with and without labels, comments skipped, escaped label values kept whole")
    func parsesSamples() throws {
        let metrics = try ScrapedMetrics(
            text: #"""
                # HELP gm_up whether it is up
                # TYPE gm_up gauge
                gm_up 1
                gm_http_requests_total{method="GET",route="/a\"b,c=d}",status="200"} 3 1700000000000
                gm_http_request_duration_seconds_bucket{method="GET",route="/x",le="+Inf"} 1
                gm_lag{topic="t", partition="0"} 7

                """#)
        #expect(metrics.labelSets(of: "gm_up") == [[:]])
        #expect(metrics.labelSets(of: "gm_http_requests_total") == [["method": "GET", "route": #"/a"b,c=d}"#, "status": "200"]])
        #expect(metrics.labelSets(of: "gm_http_request_duration_seconds_bucket").first?["le"] == "+Inf")
        #expect(metrics.labelSets(of: "gm_lag") == [["topic": "t", "partition": "0"]])
        #expect(metrics.labelSets(of: "HELP").isEmpty)
    }

    @Test("a metric not exported, or exported without a required label, is named as missing")
    func namesWhatIsMissing() throws {
        let metrics = try ScrapedMetrics(text: "a{x=\"1\"} 1\na{y=\"2\"} 1\nb 2\n")
        #expect(metrics.missing(["a": ["x", "y"], "b": []]).isEmpty)
        #expect(metrics.missing(["a": ["z"], "c": [], "b": ["x"]]) == ["a has no label z", "b has no label x", "c is not exported"])
    }

    @Test("an unterminated label set is an error, not an empty one")
    func refusesMalformedLines() {
        #expect(throws: ScrapedMetrics.Malformed.self) { try ScrapedMetrics(text: "a{x=\"1\" 1\n") }
        #expect(throws: ScrapedMetrics.Malformed.self) { try ScrapedMetrics(text: "a{x=1} 1\n") }
    }
}
