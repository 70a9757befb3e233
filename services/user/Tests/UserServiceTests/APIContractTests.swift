import GameMetricsTesting
import Testing

@Suite("user service: the OpenAPI document states what the server does")
struct APIContractTests {
    @Test("schemathesis finds no request the document and the server disagree on")
    func serverMatchesDocument() async throws {
        // Kafka stays closed (erasure requests must not reach the shared test cluster); a short
        // delivery timeout makes erasure answer its documented 503 within the request timeout.
        let environment = ["GM_KAFKA_MESSAGE_TIMEOUT_MS": "2000", "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0"]
        try await UserServiceFixture.run(environment: environment, setup: .live) { fixture, client in
            // A tenant admin reaches most operations; the platform-only ones answer 403, as documented.
            let token = try await client.accessToken(fixture.tenantA)
            try await APIContract.expectServerMatchesDocument(
                baseURL: "http://127.0.0.1:\(client.port!)", headers: ["Authorization": "Bearer \(token)"])
        }
    }
}
