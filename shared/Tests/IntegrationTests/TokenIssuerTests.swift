import GameMetricsKit
import Testing

/// A service that verifies the user service's access tokens checks their `iss`: its chart must
/// set `GM_AUTH_ISSUER` to the issuer the user service's chart gives it (`GM_USER_ISSUER`).
/// Left to its default (the user service's in-cluster URL), every token would be refused.
@Suite("Every chart of a service that verifies tokens names the user service's issuer", .serialized)
struct TokenIssuerTests {
    @Test("GM_AUTH_ISSUER in each such chart equals the user chart's GM_USER_ISSUER")
    func issuersAgree() async throws {
        let graph = try await ServiceCallGraph.derive()
        let charted = try await ChartedKafkaUsers.render()
        let issuer = try #require(charted.environments["user"]?["GM_USER_ISSUER"], "the user chart sets no GM_USER_ISSUER")
        let verifiers = PlatformService.all.map(\.name).filter { graph.reads[$0, default: []].contains("GM_AUTH_ISSUER") }
        #expect(verifiers.contains("ingestion") && verifiers.contains("analytics-api"), "\(verifiers)")
        for service in verifiers {
            #expect(charted.environments[service]?["GM_AUTH_ISSUER"] == issuer, "\(service)'s chart: GM_AUTH_ISSUER \(charted.environments[service]?["GM_AUTH_ISSUER"] ?? "unset"), the user service issues \(issuer)")
        }
    }
}
