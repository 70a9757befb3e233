import Foundation
import Testing

@testable import Admin

@Suite("the console's small rules")
struct ConsoleRulesTests {
    @Test("after login it returns only to a path of this console, never to another origin")
    func returnsOnlyToLocalPaths() {
        #expect(LocalPath.checked("/pipeline") == "/pipeline")
        for hostile in ["//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "/a b", "/x\u{7F}", nil, ""] {
            #expect(LocalPath.checked(hostile) == "/overview", "\(String(describing: hostile))")
        }
    }

    @Test("amounts are written in the currency's major units with its own decimals")
    func writesAmounts() {
        #expect(Formatting.amount(123_456, "EUR") == "1,234.56 EUR")
        #expect(Formatting.amount(-61_663, "SEK") == "-616.63 SEK")
        #expect(Formatting.amount(-50, "EUR") == "-0.50 EUR")
        #expect(Formatting.amount(1_500, "JPY") == "1,500 JPY")
        #expect(Formatting.amount(1_234_567, "KWD") == "1,234.567 KWD")
        #expect(Formatting.count(1_234_567.4) == "1,234,567")
    }

    @Test("time zones are IANA names kept as given, UTC by default, unknown ones refused")
    func readsTimeZones() {
        #expect(Formatting.timeZone(nil)?.name == "UTC")
        #expect(Formatting.timeZone("Europe/Malta")?.zone.identifier == "Europe/Malta")
        #expect(Formatting.timeZone("Mars/Olympus") == nil)
    }

    @Test("every analytics-api operation the console sends by hash is on analytics-api's persisted list")
    func sendsOnlyPersistedOperations() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let listed = try JSONSerialization.jsonObject(
            with: Data(contentsOf: repository.appendingPathComponent("services/analytics-api/Sources/AnalyticsAPI/persisted-queries.json")))
        let hashes = try #require(listed as? [String: String])
        for operation in DashboardOperation.allCases {
            #expect(hashes[operation.sha256] != nil, "\(operation) is not a persisted query of analytics-api")
        }
    }

    @Test("pages escape what other services say: a player name cannot become markup")
    func escapesInsertedText() throws {
        let renderer = try PageRenderer.bundled()
        let html = renderer.render("message", frame: .signedOut(title: "T"), content: Message("<script>alert(1)</script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script>alert(1)"))
        #expect(PageRenderer.securityHeaders[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
    }

    @Test("the form token check needs equal, non-empty tokens")
    func comparesTokens() {
        #expect(ConsoleAccess.constantTimeEqual("abc", "abc"))
        #expect(!ConsoleAccess.constantTimeEqual("abc", "abd"))
        #expect(!ConsoleAccess.constantTimeEqual("abc", "abcd"))
        #expect(!ConsoleAccess.constantTimeEqual("", ""))
    }
}
