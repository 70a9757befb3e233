import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The platform router every service uses")
struct PlatformRouterTests {
    struct Failing: Error, CustomStringConvertible {
        var description: String { "refused" }
    }

    func application(checks: [ReadinessCheck] = [], health: HealthController? = nil) -> some ApplicationProtocol {
        Observability.bootstrap(service: "test", logLevel: .warning)
        let health = health ?? HealthController(checks: checks, timeout: .milliseconds(200))
        let router = Router.platform(health: health) { router in
            router.get("boom") { _, _ -> String in throw Failing() }
            router.get("missing") { _, _ -> String in throw APIError.notFound("No such thing.") }
            router.post("echo") { request, context -> String in
                struct Body: Decodable {
                    let playerID: String
                    enum CodingKeys: String, CodingKey { case playerID = "player_id" }
                }
                return try await request.decode(as: Body.self, context: context).playerID
            }
            router.get("things/:id") { _, context -> String in context.parameters.get("id") ?? "" }
            router.delete("things/:id") { _, _ -> HTTPResponse.Status in .noContent }
        }
        return Application(router: router)
    }

    @Test("the caller's trace continues and comes back in traceparent")
    func traceContinues() async throws {
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        try await application().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get, headers: [.traceparent: incoming]) { response in
                let returned = try #require(response.headers[.traceparent].flatMap { TraceParent($0) })
                #expect(returned.traceID.description == "4bf92f3577b34da6a3ce929d0e0e4736")
                #expect(returned.parentID.description != "00f067aa0ba902b7")
            }
        }
    }

    @Test("a request without a trace gets a new one")
    func newTraceWhenAbsent() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.headers[.traceparent].flatMap { TraceParent($0) } != nil)
            }
        }
    }

    @Test("an unknown route answers 404 in the JSON error shape")
    func unknownRouteIsJSON404() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let error = try #require(body?["error"] as? [String: Any])
                #expect(error["code"] as? String == "not_found")
                #expect(error["message"] as? String != nil)
                #expect(error["details"] as? [Any] != nil)
            }
        }
    }

    @Test("a known path answers a method it does not have with 405, Allow and the JSON error shape; HEAD follows GET")
    func undeclaredMethodIs405() async throws {
        try await application().test(.router) { client in
            for (uri, method, allow) in [
                ("/echo", HTTPRequest.Method.get, "POST"), ("/health/live", .post, "GET, HEAD"),
                ("/things/42", .put, "GET, HEAD, DELETE"), ("/things/42", .trace, "GET, HEAD, DELETE"),
                ("/health/ready", .options, "GET, HEAD"), ("/echo", HTTPRequest.Method("QUERY")!, "POST"),
            ] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                    #expect(String(buffer: response.body).contains(#""code":"method_not_allowed""#))
                }
            }
            try await client.execute(uri: "/health/live", method: .head) { #expect($0.status == .ok) }
            try await client.execute(uri: "/things/42", method: .delete) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/nowhere", method: .put) { #expect($0.status == .notFound) }
        }
    }

    @Test("an unexpected error becomes a 500 that leaks nothing")
    func unexpectedErrorIsOpaque500() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/boom", method: .get) { response in
                #expect(response.status == .internalServerError)
                let text = String(buffer: response.body)
                #expect(text.contains("internal_error"))
                #expect(!text.contains("refused"))
            }
        }
    }

    @Test("a malformed body is a 400 with a JSON error, not a 500")
    func malformedBodyIs400() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: "{not json")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(#""error""#))
            }
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: #"{"player_id":"p-1"}"#)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "p-1")
            }
        }
    }

    @Test("a JSON body holding U+0000 is refused with 400 invalid_character; an escaped backslash is only text")
    func nulInBodiesIsRefused() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: #"{"player_id":"p\u0000x"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("invalid_character"))
            }
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: #"{"player_id":"p\\u0000x"}"#)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"p\u0000x"#)
            }
        }
    }

    @Test("a missing field is a 400 naming it")
    func missingFieldIsNamed() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("player_id is required"))
            }
        }
    }

    @Test(
        "player ids follow one rule everywhere",
        arguments: [
            ("p-1", nil), ("", "too_short"), (String(repeating: "é", count: 128), nil),
            (String(repeating: "x", count: 129), "too_long"), ("p\u{0}", "invalid_character"),
        ] as [(String, String?)])
    func playerIdentifierRule(value: String, reason: String?) {
        #expect(PlayerIdentifier.validate(value)?.reason == reason)
    }

    @Test("readiness names the dependency that fails or does not answer")
    func readinessNamesFailures() async throws {
        let checks = [
            ReadinessCheck("fine") {},
            ReadinessCheck("broken") { throw Failing() },
            ReadinessCheck("slow") { try await Task.sleep(for: .seconds(5)) },
        ]
        try await application(checks: checks).test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let report = try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body))
                #expect(report.status == "not_ready")
                #expect(report.checks["fine"] == "ok")
                #expect(report.checks["broken"] == "error: refused")
                #expect(report.checks["slow"]?.hasPrefix("error: no answer") == true)
            }
        }
    }

    @Test("a draining service stops being ready but stays live")
    func drainingIsNotReady() async throws {
        let health = HealthController(checks: [])
        try await application(health: health).test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
            health.startDraining()
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("draining"))
            }
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("metrics are Prometheus text with gm_ request series by route template, on the operator router only")
    func metricsExposeRequests() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .notFound) }
        }
        let operatorRouter = Router.operatorEndpoints(registry: Observability.bootstrap(service: "test", logLevel: .warning))
        try await Application(router: operatorRouter).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"gm_http_requests_total{method="GET",route="/health/live",status="200"}"#))
                #expect(text.contains("gm_http_request_duration_seconds_bucket"))
            }
        }
    }
}
