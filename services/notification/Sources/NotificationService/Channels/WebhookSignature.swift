import Crypto
import Foundation

/// The signature receivers check, as the Standard Webhooks specification defines it
/// (standardwebhooks.com; its libraries verify it): headers `webhook-id`, `webhook-timestamp`
/// (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256>` over
/// `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the bytes behind the endpoint's
/// `whsec_<base64>` secret. The id is the notification's and stays the same on every attempt;
/// the timestamp is each attempt's, and receivers refuse one outside their replay window.
enum WebhookSignature {
    static let secretPrefix = "whsec_"

    /// A new endpoint secret: `whsec_` and 32 random bytes in base64.
    static func newSecret() -> String {
        secretPrefix + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
    }

    /// `v1,<signature>` for one attempt; nil when the secret is not a `whsec_` secret.
    static func sign(id: String, timestamp: Int64, body: [UInt8], secret: String) -> String? {
        guard secret.hasPrefix(secretPrefix), let key = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))) else { return nil }
        var signed = Array("\(id).\(timestamp).".utf8)
        signed.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// What a receiver does (the README's recipe): recompute, compare in constant time, and
    /// refuse a timestamp more than `tolerance` seconds from now.
    static func verify(
        id: String, timestamp: Int64, body: [UInt8], signatureHeader: String, secret: String, now: Date = Date(), tolerance: Int64 = 300
    ) -> Bool {
        guard abs(Int64(now.timeIntervalSince1970) - timestamp) <= tolerance,
            let expected = sign(id: id, timestamp: timestamp, body: body, secret: secret)
        else { return false }
        // The header may carry several space-separated signatures (during a secret rotation).
        return signatureHeader.split(separator: " ").contains { candidate in
            let a = Array(candidate.utf8)
            let b = Array(expected.utf8)
            return a.count == b.count && zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
