import Foundation
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Ingestion

/// Ingestion calls the user service as its own client (GM_INGESTION_CLIENT_ID/SECRET, role
/// `ingestion`), so an admin revoking another client — even the platform-admin one — does not
/// stop ingestion, and ingestion's credentials are worth little to whoever steals them.
@Suite("ingestion calls the user service with a client of its own that can only resolve credentials")
struct ServiceClientIsolationTests {
    @Test("revoking the platform-admin client through the API leaves ingestion resolving write keys")
    func revokingThePlatformClientLeavesIngestionWorking() async throws {
        try await LiveIngestionFixture.run { fixture, client in
            // Revoked before ingestion has asked for any token, so no cached token hides the effect.
            let platform = try await fixture.token(fixture.platformClient)
            let revoked = try await fixture.callUserService("DELETE", "/v1/clients/\(fixture.platformClient.id)", token: platform)
            #expect(revoked.status == 204, "\(revoked.body)")

            let answerA = try await client.postEvents(TestEvents.json(), key: fixture.writeKeyA)
            #expect(answerA.status == .accepted, "\(answerA.json)")
            let answerB = try await client.postEvents(TestEvents.json(), key: fixture.writeKeyB)
            #expect(answerB.status == .accepted, "\(answerB.json)")
        }
    }

    @Test("ingestion's client gets 403 for admin actions: creating tenants or clients, rotating signing keys")
    func ingestionClientCannotAdminister() async throws {
        try await LiveIngestionFixture.run { fixture, _ in
            let token = try await fixture.token(fixture.ingestionClient)
            for (method, path, json) in [
                ("POST", "/v1/tenants", #"{"id":"evil-tenant","name":"Evil"}"#),
                ("POST", "/v1/clients", #"{"name":"more","roles":["ingestion"]}"#),
                ("DELETE", "/v1/clients/\(fixture.platformClient.id)", nil),
                ("PATCH", "/v1/tenants/\(fixture.tenantA)", #"{"requests_per_second_limit":1}"#),
                ("POST", "/v1/signing-keys/rotate", nil),
                ("GET", "/v1/write-keys", nil),
            ] {
                let answer = try await fixture.callUserService(method, path, token: token, json: json)
                #expect(answer.status == 403, "\(method) \(path): \(answer.status) \(answer.body)")
            }
        }
    }
}
