import Foundation
import GameMetricsTesting
import Testing

/// The processor's canary analysis reads consumer lag and store failures
/// (tools/charts/analysis-series.json). Neither exists in a fresh process: the lag gauges appear
/// once the consumer owns partitions, the failure counter at the first failed store. So the real
/// executable runs here on a consumer group of its own, and a store is made to fail for real (the
/// test holds a lock the store needs, and the store's statement timeout expires) before
/// `/metrics` on the internal port must hold every series the analysis reads.
@Suite("the processor's scraped /metrics holds the series its canary analysis queries", .serialized)
struct AnalysisSeriesTests {
    @Test("with partitions assigned and a store timing out on a lock, the processor exports every series its analysis reads, with the labels the queries match on")
    func exportsAnalysedSeries() async throws {
        let binary = try TestServers.value("GM_TEST_PROCESSOR_BIN")
        let required = try AnalysisSeries.load().required(by: "processor")
        let corpus = await offThePool { EventCorpus(uniqueEvents: 400, duplicateShare: 0, seed: 23) }
        let (first, second) = (Array(corpus.stream[..<200]), Array(corpus.stream[200...]))
        try await ProcessorFixture.run { fixture in
            let internalPort = try PlatformContract.freeLoopbackPort()
            var environment = fixture.environment
            environment["GM_INTERNAL_HTTP_PORT"] = String(internalPort)
            // The smallest statement timeout: a store waiting on the test's lock fails after 1 s.
            environment["GM_PROCESSOR_STORE_TIMEOUT_MS"] = "1000"
            try await fixture.withProcessorStuckOnALock(binary, environment: environment, storing: first, thenWaiting: second) { _ in
                // Lag is refreshed every 5 s; each store attempt fails after its 1 s timeout.
                let exported = await holdsEventually(within: .seconds(45), every: .milliseconds(500)) {
                    (try? await ScrapedMetrics.scrape(port: internalPort))?.missing(required).isEmpty ?? false
                }
                let after = try await ScrapedMetrics.scrape(port: internalPort)
                #expect(exported, "missing from /metrics: \(after.missing(required).joined(separator: "; "))")
            }
        }
    }
}
