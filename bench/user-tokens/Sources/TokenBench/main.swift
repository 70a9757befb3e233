import Foundation
import GameMetricsAuth

// ES256 access tokens in process, one core: how many the user service can sign and a service can
// verify per second (the cryptographic ceiling under the HTTP numbers), then the time of one scrypt
// password hash at the production cost. Prints one JSON line per round.
//   token-bench [rounds=5] [tokens-per-round=20000]

let arguments = CommandLine.arguments
let rounds = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
let count = arguments.count > 2 ? Int(arguments[2]) ?? 20_000 : 20_000

let key = SigningKey.generate()
let verifier = JWTVerifier(keys: [key.publicJWK], issuer: "http://issuer.example", audience: "gamemetrics")
let now = Date()
let claims = AccessTokenClaims(
    issuer: "http://issuer.example", subject: "gmc_bench", audience: ["gamemetrics"],
    expiresAt: now.addingTimeInterval(900), issuedAt: now, notBefore: now, tokenID: UUID().uuidString,
    tenantID: "demo-casino", roles: ["operator"], clientID: "gmc_bench", scope: "operator")

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

for round in 1...rounds {
    var tokens: [String] = []
    tokens.reserveCapacity(count)
    let signing = try seconds {
        for _ in 0..<count { tokens.append(try JWTSigner.sign(claims, with: key)) }
    }
    var verified = 0
    let verifying = try seconds {
        for token in tokens where try verifier.verify(token, as: AccessTokenClaims.self).tenantID == "demo-casino" {
            verified += 1
        }
    }
    precondition(verified == count, "every token must verify")
    print(#"{"round":\#(round),"tokens":\#(count),"sign_per_sec":\#(Int(Double(count) / signing)),"verify_per_sec":\#(Int(Double(count) / verifying)),"token_bytes":\#(tokens[0].utf8.count)}"#)
}

// Operator passwords: scrypt at `.interactive`, hashed one at a time.
let hasher = PasswordHasher(cost: .interactive)
var milliseconds: [Double] = []
for _ in 0..<7 {
    let start = ContinuousClock.now
    _ = try await hasher.hash("correct horse battery staple")
    let elapsed = ContinuousClock.now - start
    milliseconds.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
}
let sorted = milliseconds.sorted()
print(#"{"scrypt_interactive_hash_ms_median":\#(Int(sorted[sorted.count / 2])),"min":\#(Int(sorted[0])),"max":\#(Int(sorted[sorted.count - 1]))}"#)
