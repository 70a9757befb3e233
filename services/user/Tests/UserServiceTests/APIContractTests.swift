import GameMetricsTesting
import Testing

@Suite("user service: the OpenAPI document states what the server does")
struct APIContractTests {
    @Test("schemathesis finds no request the document and the server disagree on")
    func serverMatchesDocument() async throws {
        // Kafka stays closed (erasure requests must not reach the shared test cluster); a short
        // delivery timeout makes erasure answer its documented 503 well within schemathesis'
        // 10 s request timeout also on a loaded machine (librdkafka checks message timeouts about
        // once a second: 2 s took 3, plus the database writes; under a full test run one took >10 s).
        let environment = ["GM_KAFKA_MESSAGE_TIMEOUT_MS": "500", "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0"]
        try await UserServiceFixture.run(environment: environment, setup: .live) { fixture, client in
            // A tenant admin reaches most operations; the platform-only ones answer 403, as documented.
            let token = try await client.accessToken(fixture.tenantA)
            try await APIContract.expectServerMatchesDocument(
                baseURL: "http://127.0.0.1:\(client.port!)", headers: ["Authorization": "Bearer \(token)"])
        }
    }
}
