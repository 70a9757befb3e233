import Foundation

/// Which URLs endpoints may point at. In production only `https` to public hosts: never
/// loopback, private, link-local or unique-local addresses, nor names that are only meaningful
/// inside the cluster, so a tenant cannot aim the service at the platform's own internals. The
/// charts' NetworkPolicy blocks the same ranges for connections (a public name that resolves to
/// a private address). `allowPrivate` lifts both rules (local runs and tests).
struct DestinationPolicy: Sendable {
    let allowPrivate: Bool

    /// Why `text` is refused as an endpoint URL, or nil when it is allowed.
    func refusal(_ text: String) -> String? {
        guard text.utf8.count <= 2_048, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else { return "is not an absolute URL" }
        guard components.user == nil, components.password == nil else { return "must not carry credentials" }
        guard scheme == "https" || (allowPrivate && scheme == "http") else { return "must use https" }
        guard !allowPrivate else { return nil }
        if let port = components.port, port != 443 { return "must use port 443" }
        if host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".local") || host.hasSuffix(".internal")
            || host.hasSuffix(".svc") || host.hasSuffix(".cluster.local") || !host.contains(".")
        {
            return "must name a public host"
        }
        if Self.isPrivateAddress(host) { return "must not be a private, loopback or link-local address" }
        return nil
    }

    /// Whether `host` is an IP literal in a range that is not the public internet.
    static func isPrivateAddress(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare.contains(":") {
            let lower = bare.lowercased()
            return lower == "::1" || lower == "::" || lower.hasPrefix("fe80") || lower.hasPrefix("fc") || lower.hasPrefix("fd")
                || lower.hasPrefix("::ffff:")
        }
        let octets = bare.split(separator: ".").map { Int($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 != nil && (0...255).contains($0!) }) else {
            // Not a dotted quad: a name (or an integer/hex form curl would also accept, refused
            // as a name without a dot above unless it has one; refuse digits-only labels too).
            return bare.split(separator: ".").allSatisfy { $0.allSatisfy(\.isNumber) || $0.hasPrefix("0x") }
        }
        let a = octets[0]!
        let b = octets[1]!
        return a == 0 || a == 10 || a == 127 || (a == 100 && (64...127).contains(b)) || (a == 169 && b == 254)
            || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168) || a >= 224
    }
}
