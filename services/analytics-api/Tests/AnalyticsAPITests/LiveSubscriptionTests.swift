import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GameMetricsKit
import GameMetricsTesting
import HummingbirdWSClient
import NIOWebSocket
import Testing

@testable import AnalyticsAPI

/// Subscriptions over WebSocket (graphql-transport-ws): an event POSTed to ingestion reaches
/// its tenant's subscriber and no other; the protocol's refusals close with its codes.
@Suite("analytics-api pushes live metrics", .timeLimit(.minutes(10)))
struct LiveSubscriptionTests {
    static let subscribe = "subscription { liveMetrics { tenantId storedAt deltas { eventType currency events amountMinor } } }"

    @Test("an event POSTed to ingestion reaches its tenant's subscription, and the other tenant's subscriber gets nothing")
    func eventReachesItsTenantOnly() async throws {
        try await AnalyticsFixture.run { fixture in
            try await fixture.withServices { api in
                try await fixture.withIngestion { ingestion in
                    let tokenA = try await fixture.user.adminToken(), tokenB = try await fixture.user.adminToken(suffix: "_B")
                    let writeKey = try fixture.user.seeded("GM_WRITE_KEY")
                    let gate = StartGate()
                    let closeB = Task {
                        try await api.webSocket { session in
                            try await session.initialise(token: tokenB)
                            #expect(try await session.nextProtocolMessage()?["type"] as? String == "connection_ack")
                            try await session.send(["type": "subscribe", "id": "b", "payload": ["query": Self.subscribe]])
                            await gate.wait()
                            // Anything for B would have arrived with A's update; a pong after it proves none did.
                            try await session.send(["type": "ping"])
                            while let message = try await session.next() {
                                #expect(message["type"] as? String != "next", "tenant B received \(message)")
                                if message["type"] as? String == "pong" { break }
                            }
                            try await session.outbound.close(.normalClosure, reason: nil)
                        }
                    }
                    let closeA = try await api.webSocket { session in
                        try await session.initialise(token: tokenA)
                        #expect(try await session.nextProtocolMessage()?["type"] as? String == "connection_ack")
                        try await session.send(["type": "subscribe", "id": "a", "payload": ["query": Self.subscribe]])
                        // Give both subscriptions a moment to register, then post one event.
                        try await Task.sleep(for: .milliseconds(500))
                        var request = URLRequest(url: URL(string: ingestion + "/v1/events")!)
                        request.httpMethod = "POST"
                        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                        request.setValue(writeKey, forHTTPHeaderField: "X-API-Key")
                        request.httpBody = Data(
                            #"{"event_id":"\#(UUID().uuidString)","player_id":"live-1","type":"bet_placed","occurred_at":"\#(RFC3339.format(Date()))","game_id":"g1","amount":{"minor":1234,"currency":"EUR"}}"#
                                .utf8)
                        let (_, response) = try await URLSession.shared.data(for: request)
                        #expect((response as? HTTPURLResponse)?.statusCode == 202)
                        let next = try #require(try await session.nextProtocolMessage())
                        #expect(next["type"] as? String == "next" && next["id"] as? String == "a", "\(next)")
                        let update = try #require(((next["payload"] as? [String: Any])?["data"] as? [String: Any])?["liveMetrics"] as? [String: Any])
                        #expect(update["tenantId"] as? String == AnalyticsFixture.tenantA)
                        let deltas = try #require(update["deltas"] as? [[String: Any]])
                        #expect(deltas.contains { $0["eventType"] as? String == "bet_placed" && $0["amountMinor"] as? Double == 1234 }, "\(deltas)")
                        gate.open()
                        try await session.send(["type": "complete", "id": "a"])
                        try await session.outbound.close(.normalClosure, reason: nil)
                    }
                    #expect(closeA?.closeCode == .normalClosure)
                    _ = try await closeB.value
                }
            }
        }
    }

    @Test("the protocol's refusals: no init in time 4408, a bad token 4403, subscribe before the ack 4401, a second init 4429, a reused id 4409, garbage 4400")
    func protocolRefusals() async throws {
        try await AnalyticsFixture.run { fixture in
            try await fixture.withServices(analytics: ["GM_ANALYTICS_WS_INIT_TIMEOUT_MS": "500"]) { api in
                let token = try await fixture.user.adminToken()
                func code(_ frame: WebSocketCloseFrame?) -> Int? {
                    guard case .unknown(let code) = frame?.closeCode else { return nil }
                    return Int(code)
                }
                #expect(code(try await api.webSocket { _ in }) == 4408)
                #expect(code(try await api.webSocket { try await $0.initialise(token: "forged") }) == 4403)
                #expect(code(try await api.webSocket { try await $0.send(["type": "subscribe", "id": "1", "payload": ["query": Self.subscribe]]) }) == 4401)
                #expect(
                    code(
                        try await api.webSocket { session in
                            try await session.initialise(token: token)
                            _ = try await session.nextProtocolMessage()
                            try await session.initialise(token: token)
                        }) == 4429)
                #expect(
                    code(
                        try await api.webSocket { session in
                            try await session.initialise(token: token)
                            _ = try await session.nextProtocolMessage()
                            try await session.send(["type": "subscribe", "id": "1", "payload": ["query": Self.subscribe]])
                            try await session.send(["type": "subscribe", "id": "1", "payload": ["query": Self.subscribe]])
                        }) == 4409)
                #expect(code(try await api.webSocket { try await $0.outbound.write(.text("{not json")) }) == 4400)
                // A bad operation is an `error` message for its id; the connection stays.
                let errorFrame = try await api.webSocket { session in
                    try await session.initialise(token: token)
                    _ = try await session.nextProtocolMessage()
                    try await session.send(["type": "subscribe", "id": "x", "payload": ["query": "subscription { nothing }"]])
                    let message = try #require(try await session.nextProtocolMessage())
                    #expect(message["type"] as? String == "error" && message["id"] as? String == "x", "\(message)")
                    try await session.send(["type": "subscribe", "id": "q", "payload": ["query": "{ __typename }"]])
                    let next = try #require(try await session.nextProtocolMessage())
                    #expect(next["type"] as? String == "next", "\(next)")
                    let complete = try #require(try await session.nextProtocolMessage())
                    #expect(complete["type"] as? String == "complete" && complete["id"] as? String == "q", "\(complete)")
                    try await session.outbound.close(.normalClosure, reason: nil)
                }
                #expect(errorFrame?.closeCode == .normalClosure)
            }
        }
    }

    @Test("a connection whose access token expires is closed with 4403")
    func expiredTokenCloses() async throws {
        try await AnalyticsFixture.run(userEnvironment: ["GM_ACCESS_TOKEN_TTL_SECONDS": "60"]) { fixture in
            try await fixture.withServices { api in
                let token = try await fixture.user.adminToken()
                let started = ContinuousClock.now
                let frame = try await api.webSocket { session in
                    try await session.initialise(token: token)
                    #expect(try await session.nextProtocolMessage()?["type"] as? String == "connection_ack")
                    try await session.send(["type": "subscribe", "id": "1", "payload": ["query": Self.subscribe]])
                }
                guard case .unknown(let code) = frame?.closeCode else {
                    Issue.record("closed with \(String(describing: frame))")
                    return
                }
                #expect(code == 4403)
                #expect(frame?.reason?.contains("expired") == true)
                #expect(ContinuousClock.now - started < .seconds(70))
            }
        }
    }
}
