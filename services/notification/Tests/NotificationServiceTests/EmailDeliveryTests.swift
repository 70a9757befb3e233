import Foundation
import GameMetricsTesting
import Testing

@testable import NotificationService

@Suite("Emails reach a real SMTP server with both parts and the right headers", .serialized)
struct EmailDeliveryTests {
    @Test("a player's achievement email arrives with text and HTML parts, branding, a stable Message-ID and one-click unsubscribe")
    func achievementEmailArrives() async throws {
        try await NotificationFixture.run { fixture in
            try await fixture.withService { api in
                let admin = try await fixture.user.adminToken()
                let token = try await fixture.operatorToken()
                let settings = try await api.send(
                    "PUT", "/v1/settings", token: admin,
                    json: ##"{"brand_name":"Lucky Spins","brand_color":"#aa3300","brand_footer":"Lucky Spins Ltd, Malta","disabled_rules":[]}"##)
                #expect(settings.status == 200, "\(settings.text)")
                let saved = try await api.send("PUT", "/v1/recipients/player-7", token: token, json: #"{"email":"player7@example.org"}"#)
                #expect(saved.status == 200, "\(saved.text)")

                let accepted = try await api.notify(
                    #"{"channel":"email","to":{"player_id":"player-7"},"template":"achievement_unlocked","data":{"achievement":"High <Roller> & co","game_name":"Book of Ra"}}"#,
                    token: token)
                #expect(accepted.status == 202, "\(accepted.text)")
                let id = try NotificationAPI.notificationID(accepted)
                let status = try await api.status(id, token: token) { $0["status"] as? String == "delivered" }
                #expect((status["attempts"] as? [Any])?.count == 1)

                let mails = try fixture.smtp.messages()
                try #require(mails.count == 1)
                let mail = mails[0]
                #expect(mail.recipients == ["player7@example.org"])
                #expect(mail.header("To") == "<player7@example.org>")
                #expect(mail.header("From") == "Lucky Spins <no-reply@notify.test>")
                #expect(mail.header("Subject") == "Achievement unlocked: High <Roller> & co")
                #expect(mail.header("Message-ID") == "<msg_\(id)@notify.test>")
                #expect(mail.header("Content-Type")?.hasPrefix("multipart/alternative") == true)
                let unsubscribe = try #require(mail.header("List-Unsubscribe"))
                #expect(unsubscribe.hasPrefix("<https://notify.test/v1/unsubscribe?token="))
                #expect(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
                let text = try #require(mail.part("text/plain"))
                #expect(text.contains(#"You unlocked "High <Roller> & co" in Book of Ra."#))
                #expect(text.contains("Lucky Spins Ltd, Malta"))
                let html = try #require(mail.part("text/html"))
                #expect(html.contains("<strong>High &lt;Roller&gt; &amp; co</strong>"))
                #expect(!html.contains("<Roller>"))
                #expect(html.contains("#aa3300"))

                // The link unsubscribes exactly this player; nothing more is sent to them.
                let link = String(unsubscribe.dropFirst("<https://notify.test".count).dropLast())
                #expect(try await api.send("GET", link).status == 200)
                #expect(try await api.send("GET", "/v1/recipients/player-7", token: token).json?["unsubscribed_at"] == nil)
                #expect(try await api.send("POST", link).status == 200)
                #expect(try await api.send("GET", "/v1/recipients/player-7", token: token).json?["unsubscribed_at"] is String)
                let later = try await api.notify(
                    #"{"channel":"email","to":{"player_id":"player-7"},"template":"achievement_unlocked","data":{"achievement":"Again"}}"#, token: token)
                let laterID = try NotificationAPI.notificationID(later)
                let suppressed = try await api.status(laterID, token: token) { $0["status"] as? String == "suppressed" }
                #expect(suppressed["outcome"] as? String == "unsubscribed")
                #expect(try fixture.smtp.messages().count == 1)
                // A forged token unsubscribes no one.
                #expect(try await api.send("POST", "/v1/unsubscribe?token=AAAA.BBBB").status == 404)
                #expect(try await api.send("GET", "/v1/unsubscribe?token=AAAA.BBBB").status == 404)
                #expect(try await api.send("POST", "/v1/unsubscribe").status == 400)
            }
        }
    }

    @Test("with the SMTP server down readiness names smtp, emails wait in the queue, and they drain once it is back")
    func relayOutageIsHonestAndDrains() async throws {
        try await NotificationFixture.run { fixture in
            // Enough attempts that the outage does not exhaust them.
            try await fixture.withService(["GM_NOTIFICATION_MAX_ATTEMPTS": "30"]) { api in
                let token = try await fixture.operatorToken()
                fixture.smtp.stop()
                try await eventually(.seconds(30)) {
                    let ready = try await api.send("GET", "/health/ready")
                    return ready.status == 503 && ((ready.json?["checks"] as? [String: String])?["smtp"] ?? "ok") != "ok"
                }
                var ids: [String] = []
                for index in 0..<3 {
                    let accepted = try await api.notify(
                        #"{"channel":"email","to":{"email":"ops\#(index)@example.org"},"template":"operator_message","data":{"title":"Maintenance","message":"Tonight"}}"#,
                        token: token)
                    #expect(accepted.status == 202, "\(accepted.text)")
                    ids.append(try NotificationAPI.notificationID(accepted))
                }
                for id in ids {
                    _ = try await api.status(id, token: token) { ($0["attempts"] as? [Any])?.isEmpty == false }
                }
                #expect(try fixture.smtp.messages().isEmpty)
                try await fixture.smtp.start()
                try await eventually(.seconds(30)) { try await api.send("GET", "/health/ready").status == 200 }
                for id in ids {
                    let status = try await api.status(id, token: token) { $0["status"] as? String == "delivered" }
                    #expect((status["attempts"] as? [[String: Any]])?.first?["outcome"] as? String == "transient")
                }
                let mails = try fixture.smtp.messages()
                #expect(mails.count == 3)
                #expect(Set(mails.compactMap { $0.header("Message-ID") }) == Set(ids.map { "<msg_\($0)@notify.test>" }))
            }
        }
    }
}
