import Foundation
import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import Ingestion

@Suite("ingestion: the OpenAPI document states what the server does")
struct APIContractTests {
    @Test("schemathesis finds no request the document and the server disagree on")
    func serverMatchesDocument() async throws {
        try await LiveIngestionFixture.run { fixture, client in
            try await APIContract.expectServerMatchesDocument(
                baseURL: "http://127.0.0.1:\(client.port!)", headers: ["X-API-Key": fixture.writeKeyA])
        }
    }

    @Test("the document's currency codes are exactly the ones the validator accepts")
    func currencyCodesAgree() throws {
        let url = try #require(Bundle.module.url(forResource: "openapi", withExtension: "json"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        let amount = (schemas?["Amount"] as? [String: Any])?["properties"] as? [String: Any]
        let codes = try #require((amount?["currency"] as? [String: Any])?["enum"] as? [String])
        #expect(codes == ISO4217.activeCodes)
    }
}
