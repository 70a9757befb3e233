import CurlHTTP
import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsService
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import UserService

/// The verifier other services use for the user service's tokens, against a live user service
/// behind a forwarder that counts JWKS fetches.
@Suite("the JWKS verifier fetches the user service's keys once for all concurrent callers")
struct JWKSVerifierTests {
    static let issuer = "http://user.test"

    /// A live user service on a fresh database, reached through a forwarder counting JWKS GETs.
    private static func withUserService(_ body: @Sendable (_ url: URL, _ forwarder: CountingForwarder) async throws -> Void) async throws {
        try await TestDatabase.withFresh { databaseURL in
            let environment = PlatformContract.unreachableDependencies.merging([
                "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_PG_URL": databaseURL, "GM_USER_ISSUER": issuer,
            ])
            let application = try buildApplication(environment: environment, passwordHasher: PasswordHasher(cost: .testing))
            try await application.test(.live) { client in
                let forwarder = CountingForwarder(target: "http://127.0.0.1:\(client.port!)", counting: "/.well-known/jwks.json")
                try await forwarder.run { url in
                    try await body(URL(string: url)!, forwarder)
                }
            }
        }
    }

    /// A well-formed token signed by a key the user service never published.
    private static func forgedToken() throws -> String {
        let now = Date()
        let claims = AccessTokenClaims(
            issuer: issuer, subject: "intruder", audience: [AccessTokens.audience], expiresAt: now.addingTimeInterval(300),
            issuedAt: now, tenantID: "tenant-a", roles: ["operator"], scope: "operator")
        return try JWTSigner.sign(claims, with: SigningKey.generate())
    }

    /// Runs `count` verifications of `token` at once; every one must fail as unknown-key.
    private static func verifyConcurrently(_ verifier: JWKSAccessTokenVerifier, _ token: String, count: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<count {
                group.addTask {
                    await #expect(throws: JWTError.unknownKey) { try await verifier.verify(token) }
                }
            }
        }
    }

    @Test("twenty concurrent verifications of a token with an unknown kid fetch the JWKS once, and once again after the interval")
    func unknownKidFetchesOnce() async throws {
        try await Self.withUserService { url, forwarder in
            let verifier = JWKSAccessTokenVerifier(
                userServiceURL: url, issuer: Self.issuer, http: HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: 8)),
                minimumRefetchInterval: .milliseconds(500))
            let token = try Self.forgedToken()

            await Self.verifyConcurrently(verifier, token, count: 20)
            #expect(forwarder.count == 1, "cold start: one fetch for all twenty callers")

            await Self.verifyConcurrently(verifier, token, count: 20)
            #expect(forwarder.count == 1, "within the minimum interval nobody refetches")

            try await Task.sleep(for: .milliseconds(600))
            await Self.verifyConcurrently(verifier, token, count: 20)
            #expect(forwarder.count == 2, "after the interval the unknown kid causes one refetch, shared by all")
        }
    }
}
