import Foundation
import HTTPTypes

/// The address a request came from, for per-peer limits: the connection's peer, or behind
/// `trustedProxies` proxies (each appending to `X-Forwarded-For`) the entry the outermost
/// trusted proxy appended — the entries before it are the client's own to write.
enum PeerAddress {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    static func of(_ headers: HTTPFields, remoteAddress: String?, trustedProxies: Int) -> String {
        let connection = remoteAddress ?? "unknown"
        guard trustedProxies > 0 else { return connection }
        let entries = headers[values: forwardedFor]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        // Fewer entries than trusted proxies: the request did not come through all of them.
        guard entries.count >= trustedProxies else { return connection }
        let client = entries[entries.count - trustedProxies]
        return client.isEmpty ? connection : client
    }
}
