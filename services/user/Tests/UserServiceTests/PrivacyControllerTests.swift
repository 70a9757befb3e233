import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Hummingbird
import HummingbirdTesting
import Testing

@testable import UserService

/// The controller alone, with a publisher that fails or records, on a real PostgreSQL.
@Suite("privacy: the erasure endpoint when Kafka does not take the request, and the export")
struct PrivacyControllerTests {
    final class RecordingPublisher: ErasurePublisher, @unchecked Sendable {
        private let lock = NSLock()
        private var published: [ErasureMessage] = []
        let fails: Bool

        init(fails: Bool) { self.fails = fails }

        struct BrokerDown: Error, CustomStringConvertible {
            var description: String { "broker down" }
        }

        func publish(_ message: ErasureMessage, trace: TraceParent?) async throws {
            if fails { throw BrokerDown() }
            #expect(trace != nil)
            lock.withLock { published.append(message) }
        }

        var messages: [ErasureMessage] { lock.withLock { published } }
    }

    private func router(_ fixture: PrivacyFixture, publisher: RecordingPublisher, participants: [String] = ["user"]) -> Router<AppRequestContext> {
        Observability.bootstrap(service: "user", logLevel: .warning)
        let router = Router.platform(health: HealthController(checks: []))
        router.add(middleware: BearerAuthenticator(verifier: TestTokens()))
        PrivacyController(
            erasures: fixture.repository, players: fixture.players, publisher: publisher,
            participants: participants, logger: fixture.logger
        ).addRoutes(to: router)
        return router
    }

    @Test("a request Kafka does not take is answered 503 with Retry-After and recorded as failed")
    func unpublishedRequestFails() async throws {
        try await PrivacyFixture.run { fixture in
            let publisher = RecordingPublisher(fails: true)
            try await Application(router: router(fixture, publisher: publisher)).test(.router) { client in
                let token = PrivacyTests.adminA
                try await client.execute(
                    uri: "/v1/privacy/erasure", method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"player_id":"p-9"}"#)
                ) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "5")
                }
                let requests = try await fixture.repository.requests(forPlayer: "p-9", tenant: "tenant-a")
                #expect(requests.map(\.status) == [.failed])
                #expect(requests.first?.failure == "not published: broker down")
                let actions = try await fixture.repository.auditEntries(forPlayer: "p-9", tenant: "tenant-a").map(\.action)
                #expect(actions == ["erasure.requested", "erasure.publish_failed"])
            }
        }
    }

    @Test("the export holds the profile and the erasure records of the caller's tenant only")
    func exportHoldsProfileAndRecords() async throws {
        try await PrivacyFixture.run { fixture in
            try await fixture.createPlayer("p-1", tenant: "tenant-a", email: "a@example.com")
            let publisher = RecordingPublisher(fails: false)
            try await Application(router: router(fixture, publisher: publisher, participants: ["user", "processor"])).test(.router) { client in
                let (status, body) = try await client.privacyCall(
                    .post, "/v1/privacy/erasure", token: PrivacyTests.adminA, body: #"{"player_id":"p-1"}"#)
                #expect(status == .accepted)
                #expect(body["status"] as? String == "pending")
                let requestID = try #require((body["request_id"] as? String).flatMap(UUID.init(uuidString:)))
                guard case .requested(let message) = try #require(publisher.messages.first) else {
                    Issue.record("no erasure.requested was published")
                    return
                }
                #expect(message.requestID == requestID)
                #expect(message.tenantID == "tenant-a")
                #expect(message.playerID == "p-1")
                #expect(message.requestedBy == "op-a")
                #expect(ErasureMessage.requested(message).key == "tenant-a:p-1")

                let (_, document) = try await client.privacyCall(.get, "/v1/privacy/erasure/\(requestID)", token: PrivacyTests.operatorA)
                #expect(document["status"] as? String == "pending")
                let services = try #require(document["services"] as? [[String: Any]])
                #expect(services.map { $0["service"] as? String } == ["user", "processor"])
                #expect(services.map { $0["status"] as? String } == ["pending", "pending"])

                let (exportStatus, export) = try await client.privacyCall(.get, "/v1/players/p-1/export", token: PrivacyTests.operatorA)
                #expect(exportStatus == .ok)
                #expect(export["player_id"] as? String == "p-1")
                let user = try #require((export["services"] as? [String: Any])?["user"] as? [String: Any])
                #expect((user["profile"] as? [String: Any])?["email"] as? String == "a@example.com")
                #expect((user["erasure_requests"] as? [Any])?.count == 1)
                #expect(((user["audit_log"] as? [[String: Any]])?.first?["action"] as? String) == "erasure.requested")

                let (other, _) = try await client.privacyCall(.get, "/v1/players/p-1/export", token: PrivacyTests.operatorB)
                #expect(other == .notFound)
            }
        }
    }

    @Test("the message format round-trips and unknown types are ignored")
    func messageFormat() throws {
        let json = #"""
            {"type":"erasure.completed","version":1,"request_id":"0b7e2a8e-3c4f-4a53-9a43-1c9a9b0f2e11",
             "tenant_id":"tenant-a","player_id":"p-1","service":"processor","status":"failed",
             "completed_at":"2026-01-02T03:04:05Z","reason":"timeout"}
            """#
        guard case .completed(let completion) = try #require(try ErasureMessage.decode(Array(json.utf8))) else {
            Issue.record("not decoded as a completion")
            return
        }
        #expect(completion.service == "processor")
        #expect(completion.status == .failed)
        #expect(completion.reason == "timeout")
        #expect(completion.deleted == nil)
        let again = try ErasureMessage.decode(try ErasureMessage.completed(completion).encoded())
        #expect(again == .completed(completion))
        #expect(try ErasureMessage.decode(Array(#"{"type":"erasure.something_new"}"#.utf8)) == nil)
        #expect(throws: (any Error).self) { try ErasureMessage.decode(Array(#"{"type":"erasure.requested"}"#.utf8)) }
    }
}
