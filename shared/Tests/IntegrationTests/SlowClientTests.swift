import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsService
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Every service's HTTP server comes from `ServiceApplication.build`; these run that server on
/// loopback with short timeouts and attack it the slowloris way.
@Suite("HTTP servers shed slow clients", .serialized)
struct SlowClientTests {
    static let idleTimeout = Duration.seconds(2)
    static let requestReadTimeout = Duration.seconds(3)

    func application() throws -> some ApplicationProtocol {
        let configuration = try ServiceConfiguration(
            name: "slow-client-test", defaultPort: 0, defaultInternalPort: 0,
            environment: EnvironmentReader([
                "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_LOG_LEVEL": "warning",
                "GM_HTTP_IDLE_TIMEOUT_MS": "2000", "GM_HTTP_REQUEST_READ_TIMEOUT_MS": "3000",
            ]))
        return ServiceApplication.build(configuration, checks: [], logger: Logger(label: "slow-client-test")) { router in
            router.post("echo") { request, _ -> String in
                String(try await request.body.collect(upTo: 1 << 20).readableBytes)
            }
        }
    }

    @Test("connections trickling a header byte every second are closed after the idle timeout, and a normal client is served meanwhile")
    func headerTricklersAreClosed() async throws {
        try await application().test(.live) { client in
            let attack = TricklingClients(
                port: try #require(client.port), connections: 64,
                opening: Array("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".utf8),
                interval: .seconds(1), bound: .seconds(12))
            async let outcome = attack.run()
            // While every slow connection is still open, an ordinary request gets its answer.
            try await Task.sleep(for: .milliseconds(700))
            let started = ContinuousClock.now
            let status = try await Self.fresh(.get, port: attack.port, path: "/health/live").status
            let served = ContinuousClock.now - started
            #expect(status == 200)
            // Served at all, and well before the attack ends: the bound tells service from
            // starvation on a machine that is busy with other suites, it is not a latency figure.
            #expect(served < .seconds(8), "a normal request took \(served) beside the slow ones")

            let result = await outcome
            #expect(result.refused == 0)
            let open = result.closedAfter.filter { $0 == nil }.count
            #expect(open == 0, "\(open) of \(result.closedAfter.count) trickling connections were still open after 12 s")
            for closedAfter in result.closedAfter.compactMap({ $0 }) {
                #expect(
                    closedAfter >= Self.idleTimeout - .milliseconds(300) && closedAfter < Self.idleTimeout + .seconds(3),
                    "closed after \(closedAfter)")
            }
        }
    }

    @Test("a request whose body trickles in is cut at the request-read timeout although bytes keep arriving")
    func bodyTricklersAreClosed() async throws {
        try await application().test(.live) { client in
            let attack = TricklingClients(
                port: try #require(client.port), connections: 16,
                opening: Array("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n".utf8),
                interval: .milliseconds(500), bound: .seconds(12))
            async let outcome = attack.run()
            try await Task.sleep(for: .milliseconds(700))
            let echoed = try await Self.fresh(.post, port: attack.port, path: "/echo", body: "hello")
            #expect(echoed.status == 200 && echoed.body == "5", "\(echoed)")

            let result = await outcome
            let open = result.closedAfter.filter { $0 == nil }.count
            #expect(open == 0, "\(open) of \(result.closedAfter.count) trickling uploads were still open after 12 s")
            for closedAfter in result.closedAfter.compactMap({ $0 }) {
                #expect(
                    closedAfter >= Self.requestReadTimeout - .milliseconds(300) && closedAfter < Self.requestReadTimeout + .seconds(3),
                    "closed after \(closedAfter)")
            }
        }
    }

    /// A request on a connection of its own: the test client's kept-alive connection may have
    /// idled past the short timeout by then, on a busy machine.
    static func fresh(_ method: HTTPRequest.Method, port: Int, path: String, body: String? = nil) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method.rawValue
        request.httpBody = body.map { Data($0.utf8) }
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
