import Foundation
import GameMetricsTesting
import Testing

@testable import NotificationService

@Suite("Bad requests get clear 4xx JSON errors and queue nothing", .serialized)
struct IntakeRefusalTests {
    /// `HH:00` of an hour of the day (taken modulo 24).
    static func clock(_ hour: Int) -> String {
        let wrapped = hour % 24
        return (wrapped < 10 ? "0" : "") + "\(wrapped):00"
    }

    @Test("unknown channel, invalid address, oversized body, missing key, template injection, reused key, foreign tenant, no token, a full queue")
    func refusals() async throws {
        try await NotificationFixture.run { fixture in
            try await fixture.withService(["GM_NOTIFICATION_TENANT_PENDING_LIMIT": "3"]) { api in
                let token = try await fixture.operatorToken()
                let valid = #"{"channel":"email","to":{"email":"ops@example.org"},"template":"operator_message","data":{"title":"t","message":"m"}}"#
                let cases: [(String, String, Int, String)] = [
                    ("unknown channel", #"{"channel":"fax","to":{"email":"ops@example.org"},"template":"operator_message","data":{"title":"t","message":"m"}}"#, 400, "unknown_channel"),
                    ("invalid address", #"{"channel":"email","to":{"email":"ops@example.org\r\nBcc: all@example.org"},"template":"operator_message","data":{"title":"t","message":"m"}}"#, 400, "invalid_address"),
                    ("address without domain", #"{"channel":"email","to":{"email":"ops"},"template":"operator_message","data":{"title":"t","message":"m"}}"#, 400, "invalid_address"),
                    ("mustache injection", #"{"channel":"email","to":{"email":"ops@example.org"},"template":"operator_message","data":{"title":"{{#data}}{{/data}}","message":"m"}}"#, 400, "template_injection"),
                    ("jinja injection", #"{"channel":"email","to":{"email":"ops@example.org"},"template":"operator_message","data":{"title":"t","message":"{% for x in y %}"}}"#, 400, "template_injection"),
                    ("header injection in a subject", #"{"channel":"email","to":{"email":"ops@example.org"},"template":"operator_message","data":{"title":"t\r\nBcc: x@y.z","message":"m"}}"#, 400, "invalid_request"),
                    ("unknown template", #"{"channel":"email","to":{"email":"ops@example.org"},"template":"../../etc/passwd","data":{}}"#, 400, "unknown_template"),
                    ("unknown variable", #"{"channel":"email","to":{"email":"ops@example.org"},"template":"operator_message","data":{"title":"t","message":"m","html":"<b>"}}"#, 400, "invalid_request"),
                    ("a player's template to an address", #"{"channel":"email","to":{"email":"p@example.org"},"template":"achievement_unlocked","data":{"achievement":"a"}}"#, 400, "invalid_request"),
                    ("not JSON", #"{"channel":"#, 400, "bad_request"),
                ]
                for (name, body, status, code) in cases {
                    let answer = try await api.notify(body, token: token)
                    #expect(answer.status == status, "\(name): \(answer.status) \(answer.text)")
                    #expect(answer.errorCode == code, "\(name): \(answer.text)")
                    #expect(answer.headers["Content-Type"]?.hasPrefix("application/json") == true, "\(name)")
                }
                let oversized = #"{"channel":"email","to":{"email":"ops@example.org"},"template":"operator_message","data":{"title":"t","message":""# + String(repeating: "x", count: 20_000) + #""}}"#
                let tooLarge = try await api.notify(oversized, token: token)
                #expect(tooLarge.status == 413)
                #expect(tooLarge.errorCode == "body_too_large")

                let missingKey = try await api.send("POST", "/v1/notifications", token: token, json: valid)
                #expect(missingKey.status == 400)
                #expect(missingKey.errorCode == "missing_idempotency_key")
                let badKey = try await api.notify(valid, token: token, key: String(repeating: "k", count: 201))
                #expect(badKey.errorCode == "invalid_idempotency_key")

                let first = try await api.notify(valid, token: token, key: "same-key")
                #expect(first.status == 202)
                let repeated = try await api.notify(valid, token: token, key: "same-key")
                #expect(repeated.status == 200)
                #expect(try NotificationAPI.notificationID(repeated) == (try NotificationAPI.notificationID(first)))
                let reused = try await api.notify(valid.replacingOccurrences(of: "\"m\"", with: "\"other\""), token: token, key: "same-key")
                #expect(reused.status == 409)
                #expect(reused.errorCode == "idempotency_key_reused")

                // The same key in another tenant is another notification; neither sees the other's.
                let other = try await fixture.operatorToken("_B")
                let foreign = try await api.notify(valid, token: other, key: "same-key")
                #expect(foreign.status == 202)
                #expect(try NotificationAPI.notificationID(foreign) != (try NotificationAPI.notificationID(first)))
                #expect(try await api.send("GET", "/v1/notifications/\(try NotificationAPI.notificationID(first))", token: other).status == 404)

                #expect(try await api.send("POST", "/v1/notifications", headers: ["Idempotency-Key": "x"], json: valid).status == 401)

                // Tenant B fills its queue (a quiet hour holds its players' emails): 429 for B only.
                let minute = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
                let hour = minute.hour ?? 0
                let window = #"{"start":"\#(Self.clock(hour + 23))","end":"\#(Self.clock(hour + 2))"}"#
                let sleeper = try await api.send(
                    "PUT", "/v1/recipients/sleeper", token: other, json: #"{"email":"s@example.org","quiet_hours":\#(window)}"#)
                #expect(sleeper.status == 200, "\(sleeper.text)")
                var statuses: [Int] = []
                for index in 0..<4 {
                    let answer = try await api.notify(
                        #"{"channel":"email","to":{"player_id":"sleeper"},"template":"achievement_unlocked","data":{"achievement":"a\#(index)"}}"#, token: other)
                    statuses.append(answer.status)
                    if answer.status == 429 { #expect(answer.errorCode == "tenant_queue_full") }
                }
                #expect(statuses.filter { $0 == 202 }.count == 3)
                #expect(statuses.last == 429)
                #expect(try await api.notify(valid, token: token, key: "tenant-a-still-served").status == 202)
                let endpoint = try await api.send("POST", "/v1/endpoints", token: try await fixture.user.adminToken(), json: #"{"kind":"pager","url":"https://x.example"}"#)
                #expect(endpoint.errorCode == "unknown_channel")
                let recipient = try await api.send("PUT", "/v1/recipients/p1", token: token, json: #"{"email":"not an address","time_zone":"Mars/Olympus"}"#)
                #expect(recipient.status == 400)
                #expect(recipient.text.contains("invalid_address") && recipient.text.contains("unknown_time_zone"))
            }
        }
    }
}
