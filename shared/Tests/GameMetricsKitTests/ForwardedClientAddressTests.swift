import GameMetricsHTTP
import GameMetricsKit
import HTTPTypes
import Testing

@Suite("The client address behind trusted proxies")
struct ForwardedClientAddressTests {
    private func headers(_ value: String?) -> HTTPFields {
        var headers = HTTPFields()
        if let value { headers[ForwardedClientAddress.forwardedFor] = value }
        return headers
    }

    @Test("is the entry the outermost trusted proxy appended, never one the client wrote")
    func outermostTrustedEntry() {
        let chain = headers("6.6.6.6, 203.0.113.9, 10.0.0.2")
        #expect(ForwardedClientAddress.of(chain, remoteAddress: "10.0.0.3", trustedProxies: 0) == "10.0.0.3")
        #expect(ForwardedClientAddress.of(chain, remoteAddress: "10.0.0.3", trustedProxies: 1) == "10.0.0.2")
        #expect(ForwardedClientAddress.of(chain, remoteAddress: "10.0.0.3", trustedProxies: 2) == "203.0.113.9")
    }

    @Test("reads several X-Forwarded-For fields as one list")
    func severalFields() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: ForwardedClientAddress.forwardedFor, value: "1.1.1.1"))
        fields.append(HTTPField(name: ForwardedClientAddress.forwardedFor, value: "2.2.2.2,3.3.3.3"))
        #expect(ForwardedClientAddress.forwarded(fields, trustedProxies: 2) == "2.2.2.2")
    }

    @Test("with fewer entries than proxies uses the leftmost, which a trusted proxy wrote")
    func fewerEntriesThanProxies() {
        #expect(ForwardedClientAddress.of(headers("3.3.3.3"), remoteAddress: "10.0.0.3", trustedProxies: 2) == "3.3.3.3")
    }

    @Test("falls back to the connection's peer, then to one unknown bucket")
    func fallbacks() {
        #expect(ForwardedClientAddress.of(headers(nil), remoteAddress: "10.0.0.3", trustedProxies: 2) == "10.0.0.3")
        #expect(ForwardedClientAddress.of(headers(nil), remoteAddress: nil, trustedProxies: 0) == "unknown")
        #expect(ForwardedClientAddress.forwarded(headers("1.1.1.1"), trustedProxies: 0) == nil)
    }

    @Test("refuses an entry that is not a plausible address")
    func implausibleEntries() {
        #expect(ForwardedClientAddress.forwarded(headers("1.1.1.1, bad\u{7}address"), trustedProxies: 1) == nil)
        #expect(ForwardedClientAddress.forwarded(headers("1.1.1.1, "), trustedProxies: 1) == nil)
        #expect(ForwardedClientAddress.forwarded(headers(String(repeating: "9", count: 65)), trustedProxies: 1) == nil)
        #expect(ForwardedClientAddress.of(headers("x\u{7F}y"), remoteAddress: "10.0.0.3", trustedProxies: 1) == "10.0.0.3")
    }
}
