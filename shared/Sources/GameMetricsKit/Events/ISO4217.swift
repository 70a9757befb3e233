/// The active ISO 4217 alphabetic currency codes an event's `amount.currency` may use.
///
/// Source: ISO 4217 List One ("current currency & funds"), as maintained by SIX on behalf of
/// ISO, including amendments up to 2025 (ZWG added, ZWL/HRK/SLL/CUC withdrawn, XCG added).
/// Codes in withdrawal (ANG → XCG, BGN → EUR) stay until List One drops them, so bets placed in
/// them can still settle. Two List One entries are deliberately absent because they can never
/// be the currency of a real amount: `XTS` (reserved for testing) and `XXX` (no currency).
/// When ISO publishes an amendment, edit ``activeCodes``.
public enum ISO4217 {
    /// Every accepted code, in alphabetical order.
    public static let activeCodes: [String] = [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN",
        "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN",
        "BWP", "BYN", "BZD",
        "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE",
        "CZK",
        "DJF", "DKK", "DOP", "DZD",
        "EGP", "ERN", "ETB", "EUR",
        "FJD", "FKP",
        "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD",
        "HKD", "HNL", "HTG", "HUF",
        "IDR", "ILS", "INR", "IQD", "IRR", "ISK",
        "JMD", "JOD", "JPY",
        "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
        "LAK", "LBP", "LKR", "LRD", "LSL", "LYD",
        "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV",
        "MYR", "MZN",
        "NAD", "NGN", "NIO", "NOK", "NPR", "NZD",
        "OMR",
        "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
        "QAR",
        "RON", "RSD", "RUB", "RWF",
        "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC",
        "SYP", "SZL",
        "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS",
        "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS",
        "VED", "VES", "VND", "VUV",
        "WST",
        "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF",
        "XPT", "XSU", "XUA",
        "YER",
        "ZAR", "ZMW", "ZWG",
    ]

    /// The codes packed as 15-bit integers (5 bits per letter) in a bitmap, for a lookup
    /// without hashing or allocation on the ingestion hot path.
    private static let bitmap: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: (1 << 15) / 64)
        for code in activeCodes {
            let key = pack(Array(code.utf8))!
            bits[key >> 6] |= 1 << UInt64(key & 63)
        }
        return bits
    }()

    /// Whether `code` is exactly three uppercase ASCII letters forming an active code.
    public static func isActive(_ code: String) -> Bool {
        var code = code
        return code.withUTF8 { isActive(utf8: $0) }
    }

    /// Whether `code` has the shape of an alphabetic code (three uppercase ASCII letters),
    /// regardless of whether it is in the list.
    public static func isWellFormed(_ code: String) -> Bool {
        var code = code
        return code.withUTF8 { pack($0) != nil }
    }

    static func isActive(utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let key = pack(utf8) else { return false }
        return bitmap[key >> 6] & (1 << UInt64(key & 63)) != 0
    }

    private static func pack(_ bytes: some Collection<UInt8>) -> Int? {
        guard bytes.count == 3 else { return nil }
        var key = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") else { return nil }
            key = key << 5 | Int(byte - UInt8(ascii: "A"))
        }
        return key
    }
}
