import GameMetricsTesting
import Testing

@Suite("user service: the OpenAPI document states what the server does")
struct APIContractTests {
    @Test("schemathesis finds no request the document and the server disagree on")
    func serverMatchesDocument() async throws {
        try await UserServiceFixture.run(setup: .live) { fixture, client in
            // A tenant admin reaches most operations; the platform-only ones answer 403, as documented.
            let token = try await client.accessToken(fixture.tenantA)
            try await APIContract.expectServerMatchesDocument(
                baseURL: "http://127.0.0.1:\(client.port!)", headers: ["Authorization": "Bearer \(token)"])
        }
    }
}
