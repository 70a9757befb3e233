import HTTPTypes

/// The address a request came from, for per-client limits, when `trustedProxies` proxies in front
/// of the service each append the address they received the request from to `X-Forwarded-For`:
/// the client's own entry is then the `trustedProxies`-th from the right, and everything left of
/// it was written by the client and proves nothing.
public enum ForwardedClientAddress {
    public static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The entry the outermost trusted proxy appended; nil when no proxy is trusted, no entry is
    /// present, or the entry is not a plausible address. With fewer entries than proxies (a proxy
    /// that does not append) the leftmost is used: every entry present was then added by a
    /// trusted proxy.
    public static func forwarded(_ headers: HTTPFields, trustedProxies: Int) -> String? {
        guard trustedProxies > 0 else { return nil }
        // Several X-Forwarded-For fields are one list, in order (RFC 9110 §5.3).
        let entries = headers[values: forwardedFor]
            .flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingPrefix(while: \.isWhitespace) }
            .map { Substring($0.reversed().drop(while: \.isWhitespace).reversed()) }
        guard !entries.isEmpty else { return nil }
        let entry = entries[max(0, entries.count - trustedProxies)]
        guard !entry.isEmpty, entry.utf8.count <= 64, entry.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) else {
            return nil
        }
        return String(entry)
    }

    /// The forwarded address, or else the connection's peer, or else "unknown" (one bucket for
    /// every request whose origin cannot be told, as in in-process tests).
    public static func of(_ headers: HTTPFields, remoteAddress: String?, trustedProxies: Int) -> String {
        forwarded(headers, trustedProxies: trustedProxies) ?? remoteAddress ?? "unknown"
    }
}
