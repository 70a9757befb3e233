import Foundation
import HTTPTypes
import Testing

@testable import NotificationService

@Suite("Delivery rules: backoff, receivers' answers, destinations, quiet hours")
struct DeliveryRulesTests {
    let policy = DeliveryPolicy(maxAttempts: 8, backoffBase: .seconds(1), backoffMax: .seconds(60))

    @Test("the backoff doubles from the base, draws from the upper half, and stops growing at the maximum")
    func backoffDoublesWithJitter() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, random: 0) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, random: 1) == .seconds(1))
        #expect(policy.delay(afterAttempt: 4, retryAfter: nil, random: 1) == .seconds(8))
        #expect(policy.delay(afterAttempt: 4, retryAfter: nil, random: 0) == .seconds(4))
        #expect(policy.delay(afterAttempt: 30, retryAfter: nil, random: 1) == .seconds(60))
        #expect(policy.delay(afterAttempt: 1_000, retryAfter: nil, random: 0.5) == .seconds(45))
    }

    @Test("Retry-After wins when it asks for longer, up to a day, and never shortens the backoff")
    func retryAfterWins() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(30), random: 1) == .seconds(30))
        #expect(policy.delay(afterAttempt: 6, retryAfter: .seconds(1), random: 1) == .seconds(32))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(999_999), random: 1) == .seconds(86_400))
    }

    @Test("2xx delivers; 408, 425, 429 and 5xx are tried again; other 4xx and redirects are refused for good")
    func receiverAnswers() {
        #expect(ReceiverAnswer.outcome(status: 204, headers: [:]) == .delivered(statusCode: 204))
        for status in [408, 425, 429, 500, 502, 503] {
            guard case .transient = ReceiverAnswer.outcome(status: status, headers: [:]) else {
                Issue.record("\(status) should be transient")
                continue
            }
        }
        for status in [301, 302, 400, 401, 403, 404, 410, 422] {
            guard case .permanent = ReceiverAnswer.outcome(status: status, headers: [:]) else {
                Issue.record("\(status) should be permanent")
                continue
            }
        }
    }

    @Test("a channel or destination at its limit gets no further slot until one is released, and others are not held up")
    func concurrencyLimits() {
        let limiter = ConcurrencyLimiter { $0 == "email" ? 2 : 1 }
        #expect(limiter.tryAcquire("email"))
        #expect(limiter.tryAcquire("email"))
        #expect(!limiter.tryAcquire("email"))
        #expect(limiter.tryAcquire("slow.example:443"))
        #expect(!limiter.tryAcquire("slow.example:443"))
        #expect(limiter.tryAcquire("fast.example:443"))
        limiter.release("email")
        #expect(limiter.tryAcquire("email"))
        limiter.release("slow.example:443")
        #expect(limiter.tryAcquire("slow.example:443"))
    }

    @Test("Retry-After is read as seconds or as an HTTP date")
    func retryAfterForms() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        var headers = HTTPFields()
        headers[HTTPField.Name("Retry-After")!] = "120"
        #expect(ReceiverAnswer.retryAfter(headers, now: now) == .seconds(120))
        headers[HTTPField.Name("Retry-After")!] = "Tue, 14 Nov 2023 22:13:40 GMT"
        #expect(ReceiverAnswer.retryAfter(headers, now: now) == .seconds(20))
        headers[HTTPField.Name("Retry-After")!] = "soon"
        #expect(ReceiverAnswer.retryAfter(headers, now: now) == nil)
    }

    @Test("endpoints must be https to public hosts unless private destinations are allowed")
    func destinationPolicy() {
        let production = DestinationPolicy(allowPrivate: false)
        #expect(production.refusal("https://hooks.example.com/in") == nil)
        let refusedURLs: [String] = [
            "http://hooks.example.com/in", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://169.254.169.254/latest/meta-data",
            "https://192.168.0.1/", "https://172.20.0.1/", "https://[::1]/", "https://localhost/x", "https://user-service.gamemetrics.svc/x",
            "https://redis.gamemetrics.svc.cluster.local/", "https://intranet/", "https://hooks.example.com:8443/", "https://user:pw@hooks.example.com/",
            "https://2130706433/", "not a url",
        ]
        for refused in refusedURLs {
            #expect(production.refusal(refused) != nil, "\(refused) should be refused")
        }
        #expect(DestinationPolicy(allowPrivate: true).refusal("http://127.0.0.1:9999/hook") == nil)
    }

    @Test("quiet hours hold a message until they end, across midnight and in the player's time zone")
    func quietHours() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let night = QuietHours(startMinute: 22 * 60, endMinute: 7 * 60)
        // 23:30 in Berlin (winter, UTC+1) is 22:30 UTC; the window ends at 07:00 Berlin = 06:00 UTC.
        let midnight: TimeInterval = 1_699_920_000  // 2023-11-14 00:00 UTC
        let lateEvening = Date(timeIntervalSince1970: midnight + 22.5 * 3600)
        let end = try #require(night.end(containing: lateEvening, in: berlin))
        #expect(end.timeIntervalSince(lateEvening) == 7.5 * 3600)
        let noon = lateEvening.addingTimeInterval(-11 * 3600)
        #expect(night.end(containing: noon, in: berlin) == nil)
        let lunch = QuietHours(startMinute: 12 * 60, endMinute: 13 * 60)
        let utc = try #require(TimeZone(identifier: "UTC"))
        let inside = Date(timeIntervalSince1970: midnight + 12 * 3600 + 600)
        #expect(lunch.end(containing: inside, in: utc)?.timeIntervalSince(inside) == 3000)
    }

    @Test("a webhook's signature matches the Standard Webhooks example and is checked in constant shape")
    func standardWebhooksVector() {
        // The test vector of the Standard Webhooks specification's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let signature = WebhookSignature.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body, secret: secret)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        let now = Date(timeIntervalSince1970: 1_614_265_330)
        #expect(
            WebhookSignature.verify(
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body, signatureHeader: "v1,bogus " + signature!, secret: secret, now: now))
        #expect(
            !WebhookSignature.verify(
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body, signatureHeader: signature!, secret: secret,
                now: now.addingTimeInterval(301)))
        #expect(WebhookSignature.sign(id: "x", timestamp: 1, body: body, secret: "not-whsec") == nil)
    }

    @Test("addresses that could add a header or an SMTP command are refused")
    func emailAddresses() {
        for valid in ["a@example.org", "first.last+tag@mail.example.co.uk", "o'brien@example.ie"] {
            #expect(EmailAddress.isValid(valid), "\(valid)")
        }
        let invalidAddresses: [String] = [
            "a@b", "@example.org", "a@@example.org", "a b@example.org", "a@example.org\r\nBcc: x@y.z", "<a@example.org>", "a@exa_mple.org",
            "\"quoted\"@example.org", ".a@example.org", "a..b@example.org", "a@-example.org", String(repeating: "a", count: 65) + "@example.org",
        ]
        for invalid in invalidAddresses {
            #expect(!EmailAddress.isValid(invalid), "\(invalid)")
        }
    }
}
