import Foundation
import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import NotificationService

@Suite("An erased player is sent nothing, and nothing about them is kept", .serialized)
struct ErasureTests {
    @Test("erasure removes the recipient, history and dead letters; later requests, late events and DLQ replays send nothing")
    func erasedPlayerIsNeverSent() async throws {
        try await NotificationFixture.run { fixture in
            let failing = WebhookReceiver { _ in (500, [:]) }
            try await failing.run { url in
                try await fixture.withService(["GM_NOTIFICATION_MAX_ATTEMPTS": "2"]) { api in
                    let token = try await fixture.operatorToken()
                    let tenant = try fixture.tenant()
                    let endpoint = try await api.addEndpoint(url: url, adminToken: try await fixture.user.adminToken())
                    #expect(try await api.send("PUT", "/v1/recipients/doomed", token: token, json: #"{"email":"doomed@example.org"}"#).status == 200)
                    let delivered = try NotificationAPI.notificationID(
                        try await api.notify(
                            #"{"channel":"email","to":{"player_id":"doomed"},"template":"achievement_unlocked","data":{"achievement":"A"}}"#, token: token))
                    _ = try await api.status(delivered, token: token) { $0["status"] as? String == "delivered" }
                    let dead = try NotificationAPI.notificationID(
                        try await api.notify(
                            #"{"channel":"webhook","to":{"endpoint_id":"\#(endpoint.id)","player_id":"doomed"},"template":"achievement_unlocked","data":{"achievement":"B"}}"#,
                            token: token))
                    _ = try await api.status(dead, token: token) { $0["status"] as? String == "dead" }
                    #expect(try fixture.smtp.messages().count == 1)

                    // An achievement ingested before the erasure but consumed after it.
                    let lateEvent = PlayerEvent(
                        eventID: UUID(), tenantID: tenant, playerID: "doomed", type: .achievementUnlocked, occurredAt: Date(), gameID: "g-1",
                        properties: EventProperties(["achievement": .string("Late")]))

                    let requestID = UUID()
                    let erasure = ErasureMessage.requested(
                        ErasureRequested(requestID: requestID, tenantID: tenant, playerID: "doomed", requestedAt: Date(), requestedBy: "test"))
                    try await fixture.produce(fixture.topics.erasure, key: erasure.key, value: try erasure.encoded())
                    try await eventually(.seconds(60)) {
                        let records = try await KafkaTopicReader.read(fixture.topics.erasure, count: 2, idle: .seconds(1))
                        return records.contains { record in
                            if case .completed(let done)? = try? ErasureMessage.decode(record.value) { return done.service == "notification" }
                            return false
                        }
                    }
                    #expect(try await api.send("GET", "/v1/recipients/doomed", token: token).status == 404)
                    #expect(try await api.send("GET", "/v1/notifications/\(delivered)", token: token).status == 404)
                    #expect(try await api.send("GET", "/v1/dead-letters/\(dead)", token: token).status == 404)
                    #expect(try await api.send("POST", "/v1/dead-letters/\(dead)/replay", token: token).status == 404)

                    // A webhook about the player (no address needed) asked for after the erasure.
                    let after = try await api.notify(
                        #"{"channel":"webhook","to":{"endpoint_id":"\#(endpoint.id)","player_id":"doomed"},"template":"achievement_unlocked","data":{"achievement":"C"}}"#,
                        token: token)
                    #expect(after.status == 202)
                    let afterStatus = try await api.status(try NotificationAPI.notificationID(after), token: token) { $0["status"] as? String == "suppressed" }
                    #expect(afterStatus["outcome"] as? String == "erased")
                    // The late event.
                    try await fixture.produce(fixture.topics.events, key: lateEvent.partitionKey, value: lateEvent.jsonBytes())
                    try await Task.sleep(for: .seconds(3))
                    #expect(try fixture.smtp.messages().count == 1)
                    let requestsBefore = failing.requests.count
                    try await Task.sleep(for: .seconds(1))
                    #expect(failing.requests.count == requestsBefore)
                    #expect(failing.requests.allSatisfy { ($0.json?["data"] as? [String: String])?["achievement"] == "B" })
                }
            }
        }
    }
}
