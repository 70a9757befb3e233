import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GameMetricsKit
import GameMetricsTesting
import HummingbirdTesting
import Testing

@testable import Retention

@Suite("The retention API")
struct RetentionAPITests {
    @Test("policies: any role reads its tenant's, only an admin changes it, out-of-range values are a 400 naming the field, tenants never see each other's")
    func policies() async throws {
        try await RetentionFixture.run(withUserService: true) { fixture in
            try await Self.withService(fixture) { call in
                let user = try #require(fixture.user)
                let operatorToken = try await user.token(clientID: try user.seeded("GM_CLIENT_ID"), secret: try user.seeded("GM_CLIENT_SECRET"))
                let admin = try await user.adminToken()
                let adminB = try await user.adminToken(suffix: "_B")

                let shown = try await call("GET", "/v1/retention/policy", operatorToken, nil)
                #expect(shown.status == 200)
                #expect(shown.json?["default"] as? Bool == true)
                #expect(shown.json?["hot_days"] as? Int == 30)
                #expect(try await call("GET", "/v1/retention/policy", nil, nil).status == 401)
                #expect(try await call("PUT", "/v1/retention/policy", operatorToken, #"{"hot_days":10,"archive_days":100}"#).status == 403)

                let refused = try await call("PUT", "/v1/retention/policy", admin, #"{"hot_days":0,"archive_days":99999}"#)
                #expect(refused.status == 400)
                #expect(refused.errorCode == "invalid_policy")
                #expect(refused.fields == ["hot_days", "archive_days"])
                #expect(try await call("PUT", "/v1/retention/policy", admin, #"{"hot_days":"ten","archive_days":1}"#).status == 400)
                #expect(try await call("PUT", "/v1/retention/policy", admin, #"{"hot_days":10}"#).status == 400)
                // Longer than the archive bucket keeps objects (GM_RETENTION_MAX_ARCHIVE_DAYS, 400 here).
                let tooLong = try await call("PUT", "/v1/retention/policy", admin, #"{"hot_days":10,"archive_days":401}"#)
                #expect(tooLong.fields == ["archive_days"])

                let saved = try await call("PUT", "/v1/retention/policy", admin, #"{"hot_days":10,"archive_days":100}"#)
                #expect(saved.status == 200)
                #expect(saved.json?["default"] as? Bool == false)
                let other = try await call("GET", "/v1/retention/policy", adminB, nil)
                #expect(other.json?["hot_days"] as? Int == 30)
                #expect(other.json?["tenant_id"] as? String == (try user.seeded("GM_TENANT_B")))
            }
        }
    }

    @Test("restores: an admin loads an archived day, operators page through it, another tenant gets 404 for it, bad days are a 400")
    func restores() async throws {
        try await RetentionFixture.run(withUserService: true) { fixture in
            let user = try #require(fixture.user)
            let tenant = try user.seeded("GM_TENANT")
            let day = ArchiveDay(Date()).adding(days: -11)
            try await fixture.generate(tenantID: tenant, day: day, count: 150)
            try await fixture.setPolicy(tenant, hotDays: 5, archiveDays: 365)
            _ = try await fixture.withParts { try await $0.pass(metrics: RetentionMetrics()).run() }

            try await Self.withService(fixture) { call in
                let admin = try await user.adminToken()
                let operatorToken = try await user.token(clientID: try user.seeded("GM_CLIENT_ID"), secret: try user.seeded("GM_CLIENT_SECRET"))
                let adminB = try await user.adminToken(suffix: "_B")

                #expect(try await call("POST", "/v1/restores", admin, #"{"day":"2026-02-30"}"#).status == 400)
                #expect(try await call("POST", "/v1/restores", admin, #"{"day":"yesterday"}"#).errorCode == "invalid_restore")
                #expect(try await call("POST", "/v1/restores", admin, #"{"day":"\#(day.adding(days: -1))"}"#).errorCode == "not_archived")
                #expect(try await call("POST", "/v1/restores", operatorToken, #"{"day":"\#(day)"}"#).status == 403)

                let created = try await call("POST", "/v1/restores", admin, #"{"day":"\#(day)"}"#)
                #expect(created.status == 201)
                #expect(created.json?["rows"] as? Int == 150)
                let id = try #require(created.json?["restore_id"] as? String)

                var seen = 0
                var after: String?
                repeat {
                    let page = try await call("GET", "/v1/restores/\(id)/events?limit=64" + (after.map { "&after=\($0)" } ?? ""), operatorToken, nil)
                    #expect(page.status == 200)
                    seen += (page.json?["events"] as? [Any])?.count ?? 0
                    after = page.json?["next_after"] as? String
                } while after != nil
                #expect(seen == 150)
                #expect(try await call("GET", "/v1/restores/\(id)/events?limit=0", operatorToken, nil).errorCode == "invalid_page")

                #expect(try await call("GET", "/v1/restores/\(id)", adminB, nil).status == 404)
                #expect(try await call("GET", "/v1/restores/\(id)/events", adminB, nil).status == 404)
                #expect(try await call("DELETE", "/v1/restores/\(id)", adminB, nil).status == 404)
                #expect(((try await call("GET", "/v1/restores", adminB, nil)).json?["restores"] as? [Any])?.isEmpty == true)
                #expect(try await call("DELETE", "/v1/restores/\(id)", admin, nil).status == 204)
                #expect(try await call("GET", "/v1/restores/\(id)", admin, nil).status == 404)
            }
        }
    }

    struct Answer {
        let status: Int
        let json: [String: Any]?
        var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
        var fields: [String] { ((json?["error"] as? [String: Any])?["details"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? [] }
    }

    typealias Call = @Sendable (_ method: String, _ path: String, _ token: String?, _ json: String?) async throws -> Answer

    /// The service in this process, authenticating against the fixture's user service.
    static func withService(_ fixture: RetentionFixture, _ body: @Sendable (Call) async throws -> Void) async throws {
        let user = try #require(fixture.user)
        // An erasure topic of the test's own: the service's participant consumes it from the start.
        let suffix = String(UUID().uuidString.prefix(8).lowercased())
        let topic = "test.retention-api-erasure.\(suffix)"
        let control = DevKafkaControl(baseURL: try TestServers.devKafkaURL)
        for name in [topic, topic + ".dlq"] { try await control.createTopic(name, partitions: 1) }
        let environment = try fixture.environment([
            "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_INTERNAL_HTTP_PORT": "0", "GM_USER_URL": user.url,
            "GM_KAFKA_BOOTSTRAP": try TestServers.value("GM_TEST_KAFKA_BOOTSTRAP"), "GM_RETENTION_ERASURE_TOPIC": topic,
            "GM_RETENTION_ERASURE_GROUP": "retention-erasure-\(suffix)", "GM_RETENTION_MAX_ARCHIVE_DAYS": "400",
        ])
        let application = try buildApplication(environment: EnvironmentReader(environment))
        try await application.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let call: Call = { method, path, token, json in
                var request = URLRequest(url: URL(string: base + path)!)
                request.httpMethod = method
                if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
                if let json {
                    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                    request.httpBody = Data(json.utf8)
                }
                let (data, response) = try await URLSession.shared.data(for: request)
                return Answer(
                    status: (response as? HTTPURLResponse)?.statusCode ?? 0, json: try? JSONSerialization.jsonObject(with: data) as? [String: Any])
            }
            try await eventually(.seconds(60)) { try await call("GET", "/health/live", nil, nil).status == 200 }
            try await body(call)
        }
    }
}
