import Foundation
import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import AnalyticsAPI

/// Malformed, too deep, too complex, too wide and unlisted queries get GraphQL errors with a
/// code and a 4xx, before anything runs; never a 5xx.
@Suite("analytics-api refuses what it will not run", .timeLimit(.minutes(10)))
struct QueryRefusalTests {
    @Test("malformed, too deep, too complex, too wide, unauthenticated and oversized requests get clear 4xx answers")
    func refusals() async throws {
        try await AnalyticsFixture.run { fixture in
            try await fixture.withServices { api in
                let token = try await fixture.user.adminToken()
                let now = Date()
                func expectRefused(_ answer: AnalyticsClient.Answer, _ code: String, _ comment: Comment) {
                    #expect(answer.status.code >= 400 && answer.status.code < 500 || answer.status == .ok, comment)
                    #expect(answer.codes.contains(code), "\(comment): \(answer.status) \(answer.text)")
                }
                expectRefused(try await api.graphQL("{ overview(from: ", token: token), "GRAPHQL_PARSE_FAILED", "unparsable")
                expectRefused(try await api.graphQL("{ nothingHere }", token: token), "GRAPHQL_VALIDATION_FAILED", "unknown field")
                let deep = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }"
                expectRefused(try await api.graphQL(deep, token: token), "QUERY_TOO_COMPLEX", "too deep")
                let aliases = (0..<60).map { "o\($0): overview(from: \"2026-01-01T00:00:00Z\", to: \"2026-01-02T00:00:00Z\") { events }" }.joined(separator: " ")
                expectRefused(try await api.graphQL("{ \(aliases) }", token: token), "QUERY_TOO_COMPLEX", "60 overviews")
                expectRefused(
                    try await api.graphQL(
                        "{ topGames(by: PLAYERS, from: \"2026-01-01T00:00:00Z\", to: \"2026-01-02T00:00:00Z\", first: 100000) { edges { node { gameId players rounds } } } }",
                        token: token), "QUERY_TOO_COMPLEX", "a page of 100,000")
                let wide = try await api.graphQL(
                    "query($f: String!, $t: String!) { overview(from: $f, to: $t) { events } }",
                    variables: ["f": RFC3339.format(now.addingTimeInterval(-500 * 86_400)), "t": RFC3339.format(now)], token: token)
                #expect(wide.status == .ok && wide.codes == ["RANGE_TOO_WIDE"], "\(wide.text)")
                let points = try await api.graphQL(
                    "query($f: String!, $t: String!) { timeSeries(metric: EVENTS, grain: MINUTE, from: $f, to: $t) { points { value } } }",
                    variables: ["f": RFC3339.format(now.addingTimeInterval(-10 * 86_400)), "t": RFC3339.format(now)], token: token)
                #expect(points.codes == ["RANGE_TOO_WIDE"], "\(points.text)")
                let reversed = try await api.graphQL(
                    "{ overview(from: \"2026-01-02T00:00:00Z\", to: \"2026-01-01T00:00:00Z\") { events } }", token: token)
                #expect(reversed.codes == ["BAD_USER_INPUT"], "\(reversed.text)")
                let zone = try await api.graphQL(
                    "{ timeSeries(metric: EVENTS, grain: DAY, from: \"2026-12-01T00:00:00Z\", to: \"2026-12-02T00:00:00Z\", timeZone: \"Mars/Olympus\") { points { value } } }",
                    token: token)
                #expect(zone.codes == ["BAD_USER_INPUT"], "\(zone.text)")
                let old = RFC3339.format(now.addingTimeInterval(-90 * 86_400))
                let oldKolkata = try await api.graphQL(
                    "{ timeSeries(metric: EVENTS, grain: DAY, from: \"\(old)\", to: \"\(RFC3339.format(now.addingTimeInterval(-80 * 86_400)))\", timeZone: \"Asia/Kolkata\") { points { value } } }",
                    token: token)
                #expect(oldKolkata.codes == ["GRAIN_NOT_KEPT"], "\(oldKolkata.text)")
                let noCurrency = try await api.graphQL(
                    "{ timeSeries(metric: BETS, grain: DAY, from: \"\(old)\", to: \"\(RFC3339.format(now))\") { points { value } } }", token: token)
                #expect(noCurrency.codes == ["BAD_USER_INPUT"], "\(noCurrency.text)")
                let subscription = try await api.graphQL("subscription { liveMetrics { tenantId } }", token: token)
                #expect(subscription.status == .badRequest && subscription.codes == ["BAD_REQUEST"], "\(subscription.text)")
                let unknownHash = try await api.post(
                    Data(#"{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00ff"}}}"#.utf8), token: token)
                #expect(unknownHash.status == .badRequest && unknownHash.codes == ["PERSISTED_QUERY_NOT_FOUND"], "\(unknownHash.text)")

                #expect(try await api.post(Data("not json".utf8), token: token).status == .badRequest)
                #expect(try await api.post(Data("{}".utf8), token: token, contentType: "text/plain").status == .unsupportedMediaType)
                #expect(try await api.post(Data(repeating: UInt8(ascii: " "), count: 70_000), token: token).status == .contentTooLarge)
                #expect(try await api.graphQL("{ __typename }", token: nil).status == .unauthorized)
                #expect(try await api.graphQL("{ __typename }", token: "forged").status == .unauthorized)
                // The ingestion service's client is no viewer of analytics.
                let ingestion = try await fixture.user.token(
                    clientID: try fixture.user.seeded("GM_INGESTION_CLIENT_ID"), secret: try fixture.user.seeded("GM_INGESTION_CLIENT_SECRET"))
                #expect(try await api.graphQL("{ __typename }", token: ingestion).status == .forbidden)
            }
        }
    }

    @Test("with GM_ANALYTICS_PERSISTED_ONLY only the listed operations run, by text or by hash")
    func persistedOnly() async throws {
        try await AnalyticsFixture.run { fixture in
            try await fixture.withServices(analytics: ["GM_ANALYTICS_PERSISTED_ONLY": "true"]) { api in
                let token = try await fixture.user.adminToken()
                let listed = try PersistedQueries(contentsOf: PersistedQueriesFile.url, onlyListed: true)
                let (hash, text) = try #require(listed.queries.first { $0.value.contains("overview") })
                let byHash = try await api.post(
                    try JSONSerialization.data(withJSONObject: [
                        "extensions": ["persistedQuery": ["version": 1, "sha256Hash": hash]],
                        "variables": ["from": "2026-12-01T00:00:00Z", "to": "2026-12-02T00:00:00Z"],
                    ]), token: token)
                #expect(byHash.status == .ok && byHash.errors.isEmpty, "\(byHash.text)")
                let byText = try await api.graphQL(text, variables: ["from": "2026-12-01T00:00:00Z", "to": "2026-12-02T00:00:00Z"], token: token)
                #expect(byText.status == .ok && byText.errors.isEmpty, "\(byText.text)")
                let unlisted = try await api.graphQL("{ __typename }", token: token)
                #expect(unlisted.status == .badRequest && unlisted.codes == ["PERSISTED_QUERY_REQUIRED"], "\(unlisted.text)")
            }
        }
    }
}

/// The service's bundled allow-list, read from the source tree (the test bundle does not hold it).
enum PersistedQueriesFile {
    static var url: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/AnalyticsAPI/persisted-queries.json")
    }
}
