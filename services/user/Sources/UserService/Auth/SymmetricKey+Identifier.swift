import Crypto
import GameMetricsKit

extension SymmetricKey {
    /// 16 hex digits derived from the key with HMAC-SHA256 over `label` (never the key itself):
    /// stored with what the key sealed or signed, so that data made under another key is named as
    /// such. A label per purpose keeps one key's IDs apart from another purpose's.
    func identifier(label: [UInt8]) -> String {
        String(Hex.lowercase(HMAC<SHA256>.authenticationCode(for: label, using: self)).prefix(16))
    }
}
