import Crypto
import Foundation

/// Seals endpoint secrets at rest (AES-GCM) and signs unsubscribe links (HMAC-SHA256), each
/// under its own key derived from `GM_NOTIFICATION_SECRET_KEY`, so a leaked database dump holds
/// no usable webhook secret or Slack URL.
struct SecretBox: Sendable {
    private let sealing: SymmetricKey
    private let signing: SymmetricKey

    init(key: [UInt8]) {
        let master = SymmetricKey(data: key)
        sealing = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("gm-notification endpoint secrets".utf8), outputByteCount: 32)
        signing = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("gm-notification unsubscribe".utf8), outputByteCount: 32)
    }

    func seal(_ secret: String, context: String) throws -> [UInt8] {
        Array(try AES.GCM.seal(Data(secret.utf8), using: sealing, authenticating: Data(context.utf8)).combined!)
    }

    func open(_ sealed: [UInt8], context: String) throws -> String {
        let box = try AES.GCM.SealedBox(combined: Data(sealed))
        return String(decoding: try AES.GCM.open(box, using: sealing, authenticating: Data(context.utf8)), as: UTF8.self)
    }

    func mac(_ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: signing))
    }

    func verify(_ mac: [UInt8], for message: String) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(message.utf8), using: signing)
    }
}
