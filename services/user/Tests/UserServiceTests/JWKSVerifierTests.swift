import CurlHTTP
import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsPeers
import GameMetricsService
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import UserService

/// The verifier other services use for the user service's tokens, against a live user service
/// behind a proxy that counts JWKS fetches.
@Suite("the JWKS verifier fetches the user service's keys once for all concurrent callers")
struct JWKSVerifierTests {
    static let issuer = "http://user.test"

    /// A live user service on a fresh database, reached through a proxy counting JWKS GETs.
    private static func withUserService(_ body: @Sendable (_ url: URL, _ proxy: CountingProxy) async throws -> Void) async throws {
        try await TestDatabase.withFresh { databaseURL in
            let environment = PlatformContract.unreachableDependencies.merging([
                "GM_HTTP_HOST": "127.0.0.1", "GM_HTTP_PORT": "0", "GM_PG_URL": databaseURL, "GM_USER_ISSUER": issuer,
            ])
            let application = try buildApplication(environment: environment, passwordHasher: PasswordHasher(cost: .testing))
            try await application.test(.live) { client in
                try await client.waitUntilStarted()
                let proxy = CountingProxy(target: "http://127.0.0.1:\(client.port!)", counting: .get, "/.well-known/jwks.json")
                try await proxy.run { url in
                    try await body(URL(string: url)!, proxy)
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
        try await Self.withUserService { url, proxy in
            let http = HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: 8))
            let token = try Self.forgedToken()

            let verifier = JWKSAccessTokenVerifier(userServiceURL: url, issuer: Self.issuer, http: http, minimumRefetchInterval: .seconds(60))
            await Self.verifyConcurrently(verifier, token, count: 20)
            #expect(proxy.count == 1, "cold start: one fetch for all twenty callers")
            await Self.verifyConcurrently(verifier, token, count: 20)
            #expect(proxy.count == 1, "within the minimum interval nobody refetches")

            // A short interval, long enough for twenty verifications on a loaded machine.
            let interval = Duration.seconds(3)
            let hurried = JWKSAccessTokenVerifier(userServiceURL: url, issuer: Self.issuer, http: http, minimumRefetchInterval: interval)
            await Self.verifyConcurrently(hurried, token, count: 1)
            #expect(proxy.count == 2)
            try await Task.sleep(for: interval + .milliseconds(100))
            await Self.verifyConcurrently(hurried, token, count: 20)
            #expect(proxy.count == 3, "after the interval the unknown kid causes one refetch, shared by all")
        }
    }
}
