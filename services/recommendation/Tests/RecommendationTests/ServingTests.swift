import Foundation
import GameMetricsKit
import GameMetricsTesting
import Testing

@testable import Recommendation

@Suite("Recommendations served from a trained model")
struct ServingTests {
    @Test("each player is offered the game of their taste they do not play yet, from the cache on the second ask, and afresh after new activity")
    func servesCachesAndInvalidates() async throws {
        try await RecommendationFixture.run { fixture in
            let tenant = try fixture.user.seeded("GM_TENANT")
            try await fixture.play(tenantID: tenant, fixture.plantedTaste(tenantID: tenant))
            let report = try await fixture.train([tenant])
            #expect((report["trained"] as? [String: Any])?[tenant] != nil, "trained: \(report)")

            try await fixture.withService { call in
                let token = try await fixture.user.token(clientID: try fixture.user.seeded("GM_CLIENT_ID"), secret: try fixture.user.seeded("GM_CLIENT_SECRET"))
                let first = try await call("GET", "/v1/players/player-0-0/recommendations?limit=3", token, nil)
                #expect(first.status == 200)
                #expect(first.json?["source"] as? String == "model")
                #expect(first.json?["cached"] as? Bool == false)
                #expect(first.json?["variant"] as? String == "primary")
                #expect(first.games.first == "game-0-0", "the one game of its group the player lacks comes first: \(first.games)")
                let played = Set((1..<6).map { "game-0-\($0)" })
                #expect(played.isDisjoint(with: first.games), "never what the player already plays")

                let second = try await call("GET", "/v1/players/player-0-0/recommendations?limit=3", token, nil)
                #expect(second.json?["cached"] as? Bool == true)
                #expect(second.games == first.games)

                // The player plays the recommended game: the processor's snapshot arrives.
                try await TestProducer.send(
                    fixture.topics.activity, key: "\(tenant):player-0-0",
                    value: Array(
                        #"{"tenant_id":"\#(tenant)","player_id":"player-0-0","first_seen_at":"2026-01-01T00:00:00Z","last_seen_at":"\#(RFC3339.format(Date()))","last_event_type":"bet","last_game_id":"game-0-0","events":9,"sessions":2,"rounds":7}"#
                            .utf8))
                try await eventually(.seconds(60)) {
                    let fresh = try await call("GET", "/v1/players/player-0-0/recommendations?limit=3", token, nil)
                    return fresh.json?["cached"] as? Bool == false && !fresh.games.contains("game-0-0")
                }
                let generated = try await KafkaTopicReader.read(fixture.topics.generated, count: 3, idle: .seconds(5))
                #expect(generated.count >= 3, "each served list is published")
                let record = try #require(generated.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any] })
                #expect(record["tenant_id"] as? String == tenant)
                #expect(record["player_id"] as? String == "player-0-0")
            }
        }
    }

    @Test("a player the model does not know gets the tenant's popular games; one with recent plays gets a vector folded in from them")
    func coldStartAndFoldIn() async throws {
        try await RecommendationFixture.run { fixture in
            let tenant = try fixture.user.seeded("GM_TENANT")
            try await fixture.play(tenantID: tenant, fixture.plantedTaste(tenantID: tenant))
            _ = try await fixture.train([tenant])
            try await fixture.withService { call in
                let token = try await fixture.user.token(clientID: try fixture.user.seeded("GM_CLIENT_ID"), secret: try fixture.user.seeded("GM_CLIENT_SECRET"))
                let stranger = try await call("GET", "/v1/players/stranger/recommendations?limit=5", token, nil)
                #expect(stranger.status == 200)
                #expect(stranger.json?["source"] as? String == "popular")
                #expect(stranger.games.count == 5)

                try await TestProducer.send(
                    fixture.topics.activity, key: "\(tenant):newcomer",
                    value: Array(
                        #"{"tenant_id":"\#(tenant)","player_id":"newcomer","first_seen_at":"\#(RFC3339.format(Date()))","last_seen_at":"\#(RFC3339.format(Date()))","last_event_type":"bet","last_game_id":"game-1-2","events":3,"sessions":1,"rounds":2}"#
                            .utf8))
                try await eventually(.seconds(60)) {
                    let newcomer = try await call("GET", "/v1/players/newcomer/recommendations?limit=3", token, nil)
                    return newcomer.json?["source"] as? String == "fold_in"
                }
                let newcomer = try await call("GET", "/v1/players/newcomer/recommendations?limit=3", token, nil)
                #expect(!newcomer.games.contains("game-1-2"))
                #expect(newcomer.games.allSatisfy { $0.hasPrefix("game-1-") }, "the taste of the one game played: \(newcomer.games)")
            }
        }
    }

    @Test("tenants never see each other's catalogue, vectors or lists")
    func tenantIsolation() async throws {
        try await RecommendationFixture.run { fixture in
            let tenantA = try fixture.user.seeded("GM_TENANT")
            let tenantB = try fixture.user.seeded("GM_TENANT_B")
            try await fixture.play(tenantID: tenantA, fixture.plantedTaste(tenantID: tenantA))
            try await fixture.play(tenantID: tenantB, fixture.plantedTaste(tenantID: tenantB, clusters: 2, prefix: "b-"))
            _ = try await fixture.train()
            try await fixture.withService { call in
                let tokenA = try await fixture.user.adminToken()
                let tokenB = try await fixture.user.adminToken(suffix: "_B")
                let gamesA = try await call("GET", "/v1/games?limit=1000", tokenA, nil)
                let gamesB = try await call("GET", "/v1/games?limit=1000", tokenB, nil)
                let idsA = ((gamesA.json?["games"] as? [[String: Any]]) ?? []).compactMap { $0["game_id"] as? String }
                let idsB = ((gamesB.json?["games"] as? [[String: Any]]) ?? []).compactMap { $0["game_id"] as? String }
                #expect(idsA.count == 18 && idsA.allSatisfy { !$0.hasPrefix("b-") })
                #expect(idsB.count == 12 && idsB.allSatisfy { $0.hasPrefix("b-") })

                // A's player asked for under B's token is a stranger to B, answered from B's games.
                let crossed = try await call("GET", "/v1/players/player-0-0/recommendations?limit=10", tokenB, nil)
                #expect(crossed.json?["source"] as? String == "popular")
                #expect(!crossed.games.isEmpty && crossed.games.allSatisfy { $0.hasPrefix("b-") })
                let own = try await call("GET", "/v1/players/b-player-0-0/recommendations?limit=10", tokenB, nil)
                #expect(own.json?["source"] as? String == "model")
                #expect(own.games.allSatisfy { $0.hasPrefix("b-") })
                let modelsA = try await call("GET", "/v1/models", tokenA, nil)
                let modelsB = try await call("GET", "/v1/models", tokenB, nil)
                #expect((modelsA.json?["models"] as? [[String: Any]])?.count == 1)
                #expect((modelsB.json?["models"] as? [[String: Any]])?.first?["games"] as? Int == 12)

                // B describing a game of the same id changes only B's catalogue.
                #expect(try await call("PUT", "/v1/games/game-0-0", tokenB, #"{"name":"B's own","enabled":false}"#).status == 200)
                let stillA = try await call("GET", "/v1/games/game-0-0", tokenA, nil)
                #expect(stillA.json?["enabled"] as? Bool == true)
                #expect(stillA.json?["name"] is NSNull)
            }
        }
    }
}
