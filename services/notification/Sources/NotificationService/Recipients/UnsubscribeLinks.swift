import Foundation
import GameMetricsAuth

/// The link in every player email that unsubscribes that player (List-Unsubscribe, RFC 8058):
/// `<public URL>/v1/unsubscribe?token=<tenant and player, base64url>.<HMAC, base64url>`. Only
/// this service can make one, and a token names exactly one player of one tenant.
struct UnsubscribeLinks: Sendable {
    let publicURL: URL
    let secrets: SecretBox

    func token(tenantID: String, playerID: String) -> String {
        let subject = "\(tenantID)\u{0}\(playerID)"
        return Base64URL.encode(Array(subject.utf8)) + "." + Base64URL.encode(secrets.mac(subject))
    }

    func url(tenantID: String, playerID: String) -> String {
        var base = publicURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/v1/unsubscribe?token=" + token(tenantID: tenantID, playerID: playerID)
    }

    /// The tenant and player a token names, or nil when it is not one of ours.
    func subject(of token: String) -> (tenantID: String, playerID: String)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, token.utf8.count <= 1_024, let subjectBytes = Base64URL.decode(String(parts[0])),
            let mac = Base64URL.decode(String(parts[1]))
        else { return nil }
        let subject = String(decoding: subjectBytes, as: UTF8.self)
        guard secrets.verify(mac, for: subject) else { return nil }
        let pieces = subject.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2 else { return nil }
        return (String(pieces[0]), String(pieces[1]))
    }
}
