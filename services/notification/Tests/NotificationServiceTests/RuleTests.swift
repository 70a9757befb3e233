import Foundation
import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import NotificationService

@Suite("The rules turn platform events into notifications, as each tenant configured them", .serialized)
struct RuleTests {
    @Test("an achievement event emails the player once, a disabled rule sends nothing, and a bad request record is dead-lettered")
    func achievementRule() async throws {
        try await NotificationFixture.run { fixture in
            try await fixture.withService { api in
                let token = try await fixture.operatorToken()
                let tenant = try fixture.tenant()
                #expect(try await api.send("PUT", "/v1/recipients/winner", token: token, json: #"{"email":"winner@example.org"}"#).status == 200)
                let event = PlayerEvent(
                    eventID: UUID(), tenantID: tenant, playerID: "winner", type: .achievementUnlocked, occurredAt: Date(), gameID: "slots-1",
                    properties: EventProperties(["achievement": .string("Jackpot Hunter")]))
                // Delivered twice (a producer retry): one email.
                try await fixture.produce(fixture.topics.events, key: event.partitionKey, value: event.jsonBytes())
                try await fixture.produce(fixture.topics.events, key: event.partitionKey, value: event.jsonBytes())
                try await eventually(.seconds(60)) { try fixture.smtp.messages().count == 1 }
                #expect(try fixture.smtp.messages()[0].header("Subject") == "Achievement unlocked: Jackpot Hunter")

                // The tenant turns the rule off: the next achievement is recorded, not sent.
                let admin = try await fixture.user.adminToken()
                #expect(
                    try await api.send(
                        "PUT", "/v1/settings", token: admin,
                        json: ##"{"brand_name":"X","brand_color":"#112233","brand_footer":"","disabled_rules":["achievement_unlocked"]}"##
                    ).status == 200)
                let second = PlayerEvent(
                    eventID: UUID(), tenantID: tenant, playerID: "winner", type: .achievementUnlocked, occurredAt: Date(), gameID: "slots-1",
                    properties: EventProperties(["achievement": .string("Second")]))
                try await fixture.produce(fixture.topics.events, key: second.partitionKey, value: second.jsonBytes())

                // A request record that is not valid goes to the DLQ topic, and the consumer moves on.
                try await fixture.produce(
                    fixture.topics.requested, key: tenant,
                    value: Array(#"{"tenant_id":"\#(tenant)","idempotency_key":"k1","channel":"fax","to":{"email":"a@b.example"},"template":"operator_message","data":{"title":"t","message":"m"}}"#.utf8))
                try await fixture.produce(
                    fixture.topics.requested, key: tenant,
                    value: Array(#"{"tenant_id":"\#(tenant)","idempotency_key":"k2","channel":"email","to":{"email":"ops@example.org"},"template":"operator_message","data":{"title":"Hello","message":"m"}}"#.utf8))
                try await eventually(.seconds(60)) { try fixture.smtp.messages().count == 2 }
                let dead = try await KafkaTopicReader.read(fixture.topics.deadLetters, count: 1)
                let reason = dead.first?.headers.first { $0.key == "gm-dlq-reason" }.map { String(decoding: $0.value ?? [], as: UTF8.self) }
                #expect(reason?.contains("unknown_channel") == true)
                try await Task.sleep(for: .seconds(1))
                #expect(try fixture.smtp.messages().count == 2)
                #expect(try fixture.smtp.messages()[1].recipients == ["ops@example.org"])
            }
        }
    }

    @Test("changed recommendations reach a player at most once a day; an erasure's end reaches the operators' address")
    func recommendationsAndErasureRules() async throws {
        try await NotificationFixture.run { fixture in
            try await fixture.withService { api in
                let token = try await fixture.operatorToken()
                let tenant = try fixture.tenant()
                let admin = try await fixture.user.adminToken()
                #expect(try await api.send("PUT", "/v1/recipients/fan", token: token, json: #"{"email":"fan@example.org"}"#).status == 200)
                #expect(
                    try await api.send(
                        "PUT", "/v1/settings", token: admin,
                        json: ##"{"brand_name":"X","brand_color":"#112233","brand_footer":"","operator_email":"dpo@example.org","disabled_rules":[]}"##
                    ).status == 200)
                for game in ["g-1", "g-2", "g-3"] {
                    try await fixture.produce(
                        fixture.topics.recommendations, key: "\(tenant):fan",
                        value: Array(#"{"tenant_id":"\#(tenant)","player_id":"fan","games":[{"game_id":"\#(game)"}]}"#.utf8))
                }
                try await fixture.produce(
                    fixture.topics.requested, key: tenant,
                    value: Array(
                        #"{"tenant_id":"\#(tenant)","idempotency_key":"erasure-finished:r1:completed","to":{"operators":true},"template":"erasure_finished","data":{"request_id":"r1","status":"completed"}}"#
                            .utf8))
                try await eventually(.seconds(60)) { try fixture.smtp.messages().count == 2 }
                try await Task.sleep(for: .seconds(2))
                let mails = try fixture.smtp.messages()
                #expect(mails.count == 2)
                #expect(Set(mails.flatMap(\.recipients)) == ["fan@example.org", "dpo@example.org"])
                let recommendation = try #require(mails.first { $0.recipients == ["fan@example.org"] })
                #expect(recommendation.part("text/plain")?.contains("g-1") == true)
                let erasure = try #require(mails.first { $0.recipients == ["dpo@example.org"] })
                #expect(erasure.header("Subject") == "Erasure request r1 completed")
                #expect(erasure.header("List-Unsubscribe") == nil)
            }
        }
    }
}
