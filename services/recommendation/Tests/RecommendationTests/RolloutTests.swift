import Foundation
import GameMetricsTesting
import Testing

@testable import Recommendation

@Suite("Model rollouts")
struct RolloutTests {
    @Test("a second model becomes the candidate for a share of players; switching models under load answers every request, and every replica follows")
    func switchUnderLoad() async throws {
        try await RecommendationFixture.run { fixture in
            let tenant = try fixture.user.seeded("GM_TENANT")
            try await fixture.play(tenantID: tenant, fixture.plantedTaste(tenantID: tenant))
            let first = try #require((try await fixture.train([tenant])["trained"] as? [String: String])?[tenant])
            let second = try #require((try await fixture.train([tenant])["trained"] as? [String: String])?[tenant])
            #expect(first != second)

            try await fixture.withService { call in
                try await fixture.withService { replica in
                    let admin = try await fixture.user.adminToken()
                    let rollout = try await call("GET", "/v1/recommendations/rollout", admin, nil)
                    #expect(rollout.json?["primary"] as? String == first)
                    #expect(rollout.json?["candidate"] as? String == second)
                    #expect(rollout.json?["candidate_percent"] as? Int == 10)

                    let tally = LoadTally()
                    let deadline = ContinuousClock.now + .seconds(7)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for worker in 0..<4 {
                            let client = worker % 2 == 0 ? call : replica
                            group.addTask {
                                var n = 0
                                while ContinuousClock.now < deadline {
                                    let player = "player-\(n % 3)-\((n / 3 + worker) % 12)"
                                    n += 1
                                    await tally.record(try await client("GET", "/v1/players/\(player)/recommendations?limit=4", admin, nil))
                                }
                            }
                        }
                        for change in [
                            #"{"primary":"\#(second)","candidate":"\#(first)","candidate_percent":50}"#, #"{"primary":"\#(first)"}"#,
                            #"{"primary":"\#(second)","candidate":null,"candidate_percent":0}"#,
                        ] {
                            try await Task.sleep(for: .seconds(2))
                            let saved = try await call("PUT", "/v1/recommendations/rollout", admin, change)
                            #expect(saved.status == 200, "\(String(decoding: saved.body, as: UTF8.self))")
                        }
                        try await group.waitForAll()
                    }
                    let failures = await tally.failures
                    let served = await tally.served
                    #expect(failures.isEmpty, "every request answered: \(failures.prefix(5))")
                    #expect((served[first] ?? 0) > 0 && (served[second] ?? 0) > 0, "both models served: \(served)")
                    // The other replica reads the change within its refresh.
                    try await eventually(.seconds(10)) {
                        let answer = try await replica("GET", "/v1/players/player-1-3/recommendations?limit=4", admin, nil)
                        return answer.json?["model_version"] as? String == second && answer.json?["variant"] as? String == "primary"
                    }
                    let operatorToken = try await fixture.user.token(
                        clientID: try fixture.user.seeded("GM_CLIENT_ID"), secret: try fixture.user.seeded("GM_CLIENT_SECRET"))
                    #expect(try await call("PUT", "/v1/recommendations/rollout", operatorToken, #"{"primary":"\#(first)"}"#).status == 403)
                    let unknown = try await call("PUT", "/v1/recommendations/rollout", admin, #"{"primary":"19990101T000000.000Z"}"#)
                    #expect(unknown.status == 400 && unknown.errorCode == "unknown_model")
                    #expect(try await call("PUT", "/v1/recommendations/rollout", admin, #"{"primary":"\#(first)","candidate_percent":20}"#).status == 400)
                }
            }
        }
    }

    @Test("a player stays in one arm of a split, and a larger share only adds players to the candidate's arm")
    func stableAssignment() {
        let primary = Rollout.Model(modelID: 1, version: "a")
        let candidate = Rollout.Model(modelID: 2, version: "b")
        func arm(_ percent: Int, _ player: String) -> Rollout.Variant {
            Rollout(tenantID: "t", primary: primary, candidate: candidate, candidatePercent: percent, updatedAt: Date(), updatedBy: "x").variant(for: player).0
        }
        let players = (0..<2_000).map { "p\($0)" }
        let atTen = Set(players.filter { arm(10, $0) == .candidate })
        let atFifty = Set(players.filter { arm(50, $0) == .candidate })
        #expect(atTen.isSubset(of: atFifty))
        #expect((150...250).contains(atTen.count), "about 10%: \(atTen.count)")
        #expect((900...1_100).contains(atFifty.count), "about 50%: \(atFifty.count)")
        #expect(players.allSatisfy { arm(0, $0) == .primary })
        #expect(players.allSatisfy { arm(10, $0) == arm(10, $0) })
    }
}

/// What the load of a rollout test saw: failed answers, and lists served per model version.
actor LoadTally {
    var failures: [String] = []
    var served: [String: Int] = [:]

    func record(_ answer: RecommendationFixture.Answer) {
        if answer.status != 200 {
            failures.append("\(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        } else if let version = answer.json?["model_version"] as? String {
            served[version, default: 0] += 1
        }
    }
}
