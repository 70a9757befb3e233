import Testing

@testable import GameMetricsKit

@Suite("Event types and currencies")
struct EventTypeTests {
    @Test("raw values are exactly the type names of the platform contract (docs/architecture.md#events)")
    func rawValues() {
        #expect(
            EventType.allCases.map(\.rawValue) == [
                "session_start", "session_end", "game_round", "bet_placed", "bet_settled", "deposit",
                "withdrawal", "purchase", "achievement_unlocked", "level_up", "page_view",
            ])
    }

    @Test("matching type names from bytes agrees with rawValue", arguments: EventType.allCases)
    func bytesMatch(type: EventType) {
        var name = type.rawValue
        #expect(name.withUTF8 { EventType(utf8: $0) } == type)
        var longer = type.rawValue + "x"
        #expect(longer.withUTF8 { EventType(utf8: $0) } == nil)
    }

    @Test("the ISO 4217 list is sorted, unique, well-formed and has the active codes")
    func currencyList() {
        let codes = ISO4217.activeCodes
        #expect(codes == codes.sorted())
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy(ISO4217.isWellFormed))
        #expect(codes.allSatisfy(ISO4217.isActive))
        #expect(codes.count > 170)
        for code in ["EUR", "USD", "GBP", "JPY", "CHF", "XCG", "ZWG", "XAU"] { #expect(ISO4217.isActive(code)) }
        for code in ["XXX", "XTS", "HRK", "ZWL", "CUC", "SLL", "usd", "US", "USDT"] { #expect(!ISO4217.isActive(code)) }
    }
}
