import Foundation
import GameMetricsKit
import GameMetricsTesting
import PostgresNIO
import Redis
import Testing

@testable import Recommendation

@Suite("The catalogue API and erasure")
struct CatalogueAndErasureTests {
    @Test("operators describe games alone or in batches; bad fields are a 400 naming them; a disabled game is never recommended")
    func catalogue() async throws {
        try await RecommendationFixture.run { fixture in
            let tenant = try fixture.user.seeded("GM_TENANT")
            try await fixture.play(tenantID: tenant, fixture.plantedTaste(tenantID: tenant))
            _ = try await fixture.train([tenant])
            try await fixture.withService { call in
                let operatorToken = try await fixture.user.token(clientID: try fixture.user.seeded("GM_CLIENT_ID"), secret: try fixture.user.seeded("GM_CLIENT_SECRET"))
                #expect(try await call("GET", "/v1/games", nil, nil).status == 401)
                let batch = try await call(
                    "PUT", "/v1/games", operatorToken,
                    #"{"games":[{"game_id":"game-0-1","name":"Aztec Gold","provider":"Nordlight","category":"slots","volatility":"high","release_date":"2024-02-29"},{"game_id":"new-game","name":"Fresh","enabled":false}]}"#)
                #expect(batch.status == 200 && batch.json?["saved"] as? Int == 2)
                let shown = try await call("GET", "/v1/games/game-0-1", operatorToken, nil)
                #expect(shown.json?["name"] as? String == "Aztec Gold" && shown.json?["source"] as? String == "api")
                #expect(shown.json?["release_date"] as? String == "2024-02-29")

                let refused = try await call(
                    "PUT", "/v1/games", operatorToken, #"{"games":[{"game_id":"ok"},{"game_id":"x","volatility":"extreme","release_date":"2023-02-29"}]}"#)
                #expect(refused.status == 400 && refused.errorCode == "invalid_games")
                let fields = ((refused.json?["error"] as? [String: Any])?["details"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
                #expect(fields == ["games[1].volatility", "games[1].release_date"])
                #expect(try await call("PUT", "/v1/games/a", operatorToken, #"{"game_id":"b"}"#).status == 400)
                #expect(try await call("GET", "/v1/games/nowhere", operatorToken, nil).status == 404)

                var seen: [String] = []
                var after = ""
                repeat {
                    let page = try await call("GET", "/v1/games?limit=7" + (after.isEmpty ? "" : "&after=\(after)"), operatorToken, nil)
                    seen += ((page.json?["games"] as? [[String: Any]]) ?? []).compactMap { $0["game_id"] as? String }
                    after = page.json?["next_after"] as? String ?? ""
                } while !after.isEmpty
                #expect(seen.count == 19 && seen == seen.sorted())
                let disabled = try await call("GET", "/v1/games?enabled=false", operatorToken, nil)
                #expect(((disabled.json?["games"] as? [[String: Any]]) ?? []).compactMap { $0["game_id"] as? String } == ["new-game"])

                // The game player-0-0 lacks is disabled: it is not offered.
                #expect(try await call("PUT", "/v1/games/game-0-0", operatorToken, #"{"enabled":false}"#).status == 200)
                let offered = try await call("GET", "/v1/players/player-0-0/recommendations?limit=5", operatorToken, nil)
                #expect(offered.status == 200 && !offered.games.isEmpty && !offered.games.contains("game-0-0"))
                #expect(try await call("GET", "/v1/players/player-0-0/recommendations?limit=0", operatorToken, nil).errorCode == "invalid_request")
                let batchAnswer = try await call(
                    "POST", "/v1/recommendations/batch", operatorToken, #"{"player_ids":["player-1-1","player-2-2","stranger"],"limit":2}"#)
                let results = (batchAnswer.json?["results"] as? [[String: Any]]) ?? []
                #expect(results.compactMap { $0["player_id"] as? String } == ["player-1-1", "player-2-2", "stranger"])
                #expect(try await call("POST", "/v1/recommendations/batch", operatorToken, #"{"player_ids":["a","a"]}"#).status == 400)
            }
        }
    }

    @Test("erasure removes the player's vectors, recent plays and cached lists, and activity from before it is not taken up again")
    func erasure() async throws {
        try await RecommendationFixture.run { fixture in
            let tenant = try fixture.user.seeded("GM_TENANT")
            try await fixture.play(tenantID: tenant, fixture.plantedTaste(tenantID: tenant))
            _ = try await fixture.train([tenant])
            try await fixture.withService { call in
                let token = try await fixture.user.adminToken()
                let snapshot = Array(
                    #"{"tenant_id":"\#(tenant)","player_id":"player-2-4","first_seen_at":"2026-01-01T00:00:00Z","last_seen_at":"\#(RFC3339.format(Date()))","last_event_type":"bet","last_game_id":"game-2-4","events":1,"sessions":1,"rounds":1}"#
                        .utf8)
                try await TestProducer.send(fixture.topics.activity, key: "\(tenant):player-2-4", value: snapshot)
                try await eventually(.seconds(60)) {
                    try await fixture.count("SELECT count(*) FROM rec_recent_plays WHERE player_id = 'player-2-4'") == 1
                }
                #expect(try await call("GET", "/v1/players/player-2-4/recommendations", token, nil).json?["source"] as? String == "model")
                let redis = RedisClient(configuration: try RedisConfiguration(url: fixture.redisURL))
                let keys = RecommendationCache.keys(tenantID: tenant, playerID: "player-2-4")
                #expect(try await redis.execute(["EXISTS", keys.lists]).integer == 1)

                let erasure = ErasureMessage.requested(
                    ErasureRequested(requestID: UUID(), tenantID: tenant, playerID: "player-2-4", requestedAt: Date(), requestedBy: "test"))
                try await TestProducer.send(fixture.topics.erasure, key: erasure.key, value: try erasure.encoded())
                try await eventually(.seconds(60)) {
                    let records = try await KafkaTopicReader.read(fixture.topics.erasure, count: 2, idle: .seconds(1))
                    return records.contains { record in
                        if case .completed(let done)? = try? ErasureMessage.decode(record.value) { return done.service == "recommendation" }
                        return false
                    }
                }
                #expect(try await fixture.count("SELECT count(*) FROM rec_player_vectors WHERE player_id = 'player-2-4'") == 0)
                #expect(try await fixture.count("SELECT count(*) FROM rec_recent_plays WHERE player_id = 'player-2-4'") == 0)
                #expect(try await redis.execute(["EXISTS", keys.lists, keys.generation]).integer == 0)
                await redis.shutdown()

                // Its snapshot redelivered (from before the erasure) is passed over.
                try await TestProducer.send(fixture.topics.activity, key: "\(tenant):player-2-4", value: snapshot)
                try await Task.sleep(for: .seconds(3))
                #expect(try await fixture.count("SELECT count(*) FROM rec_recent_plays WHERE player_id = 'player-2-4'") == 0)
                #expect(try await call("GET", "/v1/players/player-2-4/recommendations", token, nil).json?["source"] as? String == "popular")
                // The next model leaves them out.
                _ = try await fixture.train([tenant])
                #expect(try await fixture.count("SELECT count(*) FROM rec_player_vectors WHERE player_id = 'player-2-4'") == 0)
                #expect(try await fixture.count("SELECT count(*) FROM rec_player_vectors WHERE player_id = 'player-2-5'") == 2)
            }
        }
    }
}
