import Crypto

/// Tenants' write keys carry a MAC under a secret shared only by the user service (which issues
/// them) and ingestion (which checks them), so ingestion can refuse a forged key without asking
/// anyone (ADR 0015).
///
/// Format: `gmk_` + base64url (no padding) of 48 bytes — 32 random bytes from the system CSPRNG,
/// then the first 16 bytes of HMAC-SHA256(secret, "gamemetrics write key v1" ‖ 0x00 ‖ random)
/// — 68 characters in all. Keys issued before the MAC existed are `gmk_` + 43 characters
/// (32 random bytes); they are told apart by length and are "legacy".
///
/// Rotation: keys are issued under `current`; a key verifies under `current` or `previous`, so
/// the secret can change without refusing keys issued under the old one (they are reissued
/// before `previous` is dropped). Both tags are always computed, so timing does not show which
/// secret a key was made with.
public struct WriteKeyMAC: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// The shape of a MAC'd key and a tag that verifies: worth a lookup.
        case authentic
        /// The shape of a MAC'd key but a wrong tag: made by someone without the secret.
        case forged
        /// The shape of a key issued before MACs (`gmk_` + 43 characters).
        case legacy
        /// Not a write key at all.
        case malformed
    }

    public static let prefix = OpaqueToken.writeKeyPrefix
    static let randomByteCount = 32
    static let tagByteCount = 16
    /// 48 bytes in base64url.
    static let encodedLength = 64
    /// 32 bytes in base64url (legacy keys).
    static let legacyEncodedLength = 43
    /// Secrets need at least this many bytes (256 bits), like the HMAC-SHA256 key they become.
    public static let minimumSecretBytes = 32
    private static let domain = Array("gamemetrics write key v1".utf8) + [0]

    public struct SecretTooShort: Error, CustomStringConvertible {
        public var description: String { "a write-key MAC secret needs at least \(WriteKeyMAC.minimumSecretBytes) bytes" }
    }

    private let current: SymmetricKey
    private let previous: SymmetricKey?

    public init(current: [UInt8], previous: [UInt8]? = nil) throws {
        guard current.count >= Self.minimumSecretBytes, (previous?.count ?? Self.minimumSecretBytes) >= Self.minimumSecretBytes
        else { throw SecretTooShort() }
        self.current = SymmetricKey(data: current)
        self.previous = previous.map { SymmetricKey(data: $0) }
    }

    /// A new key under the current secret.
    public func issue() -> String {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<Self.randomByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Self.prefix + Base64URL.encode(random + Self.tag(random, key: current))
    }

    /// What `key` is, without any lookup.
    public func verify(_ key: String) -> Verdict {
        guard key.hasPrefix(Self.prefix) else { return .malformed }
        let body = key.utf8.dropFirst(Self.prefix.utf8.count)
        switch body.count {
        case Self.legacyEncodedLength:
            return Base64URL.decode(Substring(body)) == nil ? .malformed : .legacy
        case Self.encodedLength:
            guard let bytes = Base64URL.decode(Substring(body)) else { return .malformed }
            let random = bytes.prefix(Self.randomByteCount)
            let presented = bytes.suffix(Self.tagByteCount)
            let matchesCurrent = ConstantTime.equals(Self.tag(random, key: current), presented)
            // Computed even when unused, so both paths take the same time.
            let matchesPrevious = ConstantTime.equals(Self.tag(random, key: previous ?? current), presented) && previous != nil
            return matchesCurrent || matchesPrevious ? .authentic : .forged
        default:
            return .malformed
        }
    }

    private static func tag(_ random: some Collection<UInt8>, key: SymmetricKey) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: domain)
        hmac.update(data: Array(random))
        return Array(hmac.finalize().prefix(tagByteCount))
    }
}
