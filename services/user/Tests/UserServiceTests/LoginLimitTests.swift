import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import UserService

@Suite("login limits: per (account, address) backoff behind a counted number of trusted proxies; an account locks only under a flood")
struct LoginLimitTests {
    /// One trusted proxy (the ingress) appends the address it saw as the last X-Forwarded-For entry.
    static let behindIngress = ["GM_TRUST_PROXY": "true", "GM_TRUSTED_PROXIES": "1"]

    /// The headers a request from `client` carries after the ingress, with `spoofed` entries the
    /// client wrote itself in front.
    static func via(_ client: String, spoofed: [String] = []) -> HTTPFields {
        [.init("X-Forwarded-For")!: (spoofed + [client]).joined(separator: ", ")]
    }

    @Test("the address is the entry the trusted proxy added; entries the client writes in front of it change nothing")
    func forwardedForIsReadFromTheTrustedEnd() async throws {
        try await OAuthFixture.run(environment: Self.behindIngress) { fixture, client in
            let pkce = PKCEPair()
            for index in 0..<3 {
                let failed = try await client.signIn(
                    pkce: pkce, password: "wrong", headers: Self.via("203.0.113.7", spoofed: ["198.51.100.\(index)"]))
                #expect(failed.status == .unauthorized)
            }
            // Every attempt counted against the address the ingress saw, none against a spoofed one
            // (checked in the table, so a slow machine cannot let the 1 s wait pass unseen).
            let trusted = try await fixture.base.count(
                "SELECT count(*)::int FROM login_attempts WHERE key = \(LoginRateLimiter.addressKey("203.0.113.7"))")
            let spoofed = try await fixture.base.count("SELECT count(*)::int FROM login_attempts WHERE key LIKE '%198.51.100.%'")
            #expect(trusted == 3)
            #expect(spoofed == 0)
            // A fresh spoofed first entry does not make a fresh address: the pair must wait.
            let fourth = try await client.signIn(pkce: pkce, headers: Self.via("203.0.113.7", spoofed: ["198.51.100.99"]))
            if fourth.status != .tooManyRequests {
                #expect(fourth.status == .found, "allowed only because the 1 s wait had passed on a slow machine")
            } else {
                #expect(fourth.headers[.retryAfter] == "1")
            }
        }
    }

    @Test("after 3 failures per account and address, 429 with Retry-After doubling from 1 s")
    func backoffDoubles() async throws {
        try await OAuthFixture.run(environment: Self.behindIngress) { _, client in
            let pkce = PKCEPair()
            let attacker = Self.via("203.0.113.66")
            for _ in 0..<3 { #expect(try await client.signIn(pkce: pkce, password: "wrong", headers: attacker).status == .unauthorized) }
            // A slow machine may let a wait pass before the next guess arrives; that guess is then
            // checked (401) and counted, and the following wait is twice as long. So the test
            // follows the failure count instead of the clock.
            var failures = 3
            var waits: [Int] = []
            for _ in 0..<12 where waits.count < 3 {
                let answer = try await client.signIn(pkce: pkce, password: "wrong", headers: attacker)
                if answer.status == .unauthorized {
                    failures += 1
                    continue
                }
                #expect(answer.status == .tooManyRequests)
                #expect(answer.body["error"] as? String == "too_many_attempts")
                let wait = Int(answer.headers[.retryAfter] ?? "") ?? 0
                // At most the full delay for this many failures (1 s doubling), at least 1 s.
                #expect((1...(1 << (failures - 3))).contains(wait), "Retry-After \(wait) after \(failures) failures")
                waits.append(1 << (failures - 3))
                // Once the wait is over one more guess is checked, and the next wait doubles.
                try await Task.sleep(for: .seconds(wait) + .milliseconds(150))
            }
            #expect(waits.count == 3)
            #expect(waits == waits.sorted() && Set(waits).count == waits.count, "the delay doubles with each failure: \(waits)")
        }
    }

    @Test("an attacker's wrong guesses from elsewhere do not lock the real operator out")
    func attackerDoesNotLockOutTheOperator() async throws {
        try await OAuthFixture.run(environment: Self.behindIngress) { _, client in
            let pkce = PKCEPair()
            for _ in 0..<5 {
                _ = try await client.signIn(pkce: pkce, password: "wrong", headers: Self.via("203.0.113.66"))
            }
            #expect(try await client.signIn(pkce: pkce, headers: Self.via("192.0.2.10")).status == .found)
        }
    }

    @Test("100 failures within an hour from many addresses lock the account for every address")
    func floodLocksTheAccount() async throws {
        try await OAuthFixture.run(environment: Self.behindIngress) { fixture, client in
            let pkce = PKCEPair()
            for index in 0..<99 {
                let address = "10.\(index / 250).\(index % 250).1"
                #expect(try await client.signIn(pkce: pkce, password: "wrong", headers: Self.via(address)).status == .unauthorized)
            }
            // 99 failures: the operator still gets in (and that does not forgive the attacker's failures).
            #expect(try await client.signIn(pkce: pkce, headers: Self.via("192.0.2.10")).status == .found)
            #expect(try await client.signIn(pkce: pkce, password: "wrong", headers: Self.via("10.9.9.9")).status == .unauthorized)
            let locked = try await client.signIn(pkce: pkce, headers: Self.via("192.0.2.10"))
            #expect(locked.status == .tooManyRequests)
            let retryAfter = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect((3_500...3_600).contains(retryAfter))
            _ = fixture
        }
    }

    @Test("attempt rows of addresses that never come back are purged in the background")
    func oldAttemptsArePurged() async throws {
        try await OAuthFixture.run(environment: Self.behindIngress.merging(["GM_LOGIN_ATTEMPTS_PURGE_SECONDS": "1"]) { $1 }) { fixture, client in
            _ = try await client.signIn(pkce: PKCEPair(), password: "wrong", headers: Self.via("203.0.113.5"))
            #expect(try await fixture.count("SELECT count(*)::int FROM login_attempts") > 0)
            // Age every row beyond the longest window (an hour): nobody signs in again.
            _ = try await fixture.count(
                """
                WITH u AS (UPDATE login_attempts SET attempted_at = attempted_at - interval '61 minutes' RETURNING 1)
                SELECT count(*)::int FROM u
                """)
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(15)
            var remaining = Int.max
            while clock.now < deadline {
                remaining = try await fixture.count("SELECT count(*)::int FROM login_attempts")
                if remaining == 0 { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(remaining == 0)
        }
    }
}
