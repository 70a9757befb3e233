import GameMetricsTesting
import Testing

@Suite("ingestion: the OpenAPI document states what the server does")
struct APIContractTests {
    @Test("schemathesis finds no request the document and the server disagree on")
    func serverMatchesDocument() async throws {
        try await LiveIngestionFixture.run { fixture, client in
            try await APIContract.expectServerMatchesDocument(
                baseURL: "http://127.0.0.1:\(client.port!)", headers: ["X-API-Key": fixture.writeKeyA])
        }
    }
}
