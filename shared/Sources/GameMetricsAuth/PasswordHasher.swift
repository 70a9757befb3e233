import Crypto
import CryptoExtras
import Dispatch
import Foundation

/// Hashes and verifies user passwords with scrypt, a memory-hard KDF: guessing costs an attacker
/// the same 32 MiB and tens of milliseconds per attempt that it costs us, which GPUs and ASICs
/// cannot shortcut the way they can a fast hash.
///
/// Output is a self-describing PHC string, `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (salt and key in
/// standard base64 without padding, as the PHC format specifies). `verify` reads the cost from
/// the string, so raising `cost` later keeps old hashes valid; `needsRehash` tells the login path
/// when to re-hash with the new cost.
///
/// `.interactive` takes a median of 63 ms per hash on the project machine (`token-bench`,
/// release build; see docs/benchmarks.md), so one core hashes about 15 passwords per second.
///
/// Passwords are normalised to Unicode NFC before hashing so the same password typed on
/// different keyboards (precomposed "é" vs "e" + combining accent) matches.
public struct PasswordHasher: Sendable {
    public enum Error: Swift.Error, Sendable, Equatable {
        /// The password is longer than `maximumPasswordBytes`.
        case passwordTooLong
    }

    /// UTF-8 bytes accepted. A bound keeps request bodies from turning into CPU work; no human
    /// password gets near it.
    public static let maximumPasswordBytes = 1024

    static let saltByteCount = 16
    static let keyByteCount = 32
    /// Bounds accepted when parsing stored strings (anything else is corrupt or foreign).
    static let storedSaltBytes = 16...64
    static let storedKeyBytes = 16...64

    /// The cost new hashes are made with.
    public let cost: ScryptCost

    public init(cost: ScryptCost = .interactive) {
        self.cost = cost
    }

    /// Hashes `password` with a fresh 16-byte random salt.
    public func hash(_ password: String) async throws -> String {
        let bytes = Self.normalized(password)
        guard bytes.count <= Self.maximumPasswordBytes else { throw Error.passwordTooLong }
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let cost = self.cost
        let key = try await Self.derive(password: bytes, salt: salt, cost: cost, length: Self.keyByteCount)
        let b64 = Base64URL.Alphabet.standard
        return "$scrypt$\(cost)$\(b64.encode(salt))$\(b64.encode(key))"
    }

    /// `true` only if `encoded` is a well-formed scrypt PHC string and `password` derives the
    /// same key under the salt and cost stored in it. Never throws or traps: a malformed, foreign
    /// or out-of-bounds string simply fails verification.
    public func verify(_ password: String, against encoded: String) async -> Bool {
        guard let stored = StoredHash(encoded) else { return false }
        let bytes = Self.normalized(password)
        guard bytes.count <= Self.maximumPasswordBytes else { return false }
        guard let key = try? await Self.derive(password: bytes, salt: stored.salt, cost: stored.cost, length: stored.key.count)
        else { return false }
        return ConstantTime.equals(key, stored.key)
    }

    /// `true` when `encoded` was made with a lower cost (or shorter salt/key) than this hasher
    /// uses now, or cannot be parsed. Call it after a successful `verify`, while the plaintext is
    /// at hand, and store `hash(password)` in its place.
    public func needsRehash(_ encoded: String) -> Bool {
        guard let stored = StoredHash(encoded) else { return true }
        return !stored.cost.isAtLeast(cost)
            || stored.salt.count < Self.saltByteCount
            || stored.key.count < Self.keyByteCount
    }

    // MARK: - Internals

    private static func normalized(_ password: String) -> [UInt8] {
        Array(password.precomposedStringWithCanonicalMapping.utf8)
    }

    /// Runs the KDF on a dispatch queue, not on the caller's task: tens of milliseconds of pure
    /// CPU on Swift's cooperative pool (one thread per core) would stall every other task in the
    /// service — request handling, health checks — for that long.
    private static func derive(password: [UInt8], salt: [UInt8], cost: ScryptCost, length: Int) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Swift.Error>) in
            queue.async {
                continuation.resume(
                    with: Result {
                        try derivedKey(password: password, salt: salt, cost: cost, length: length)
                    })
            }
        }
    }

    /// `password` is an `Array`, never `Data`: swift-crypto force-unwraps the buffer's base
    /// address, which an empty `Data` may lack but an empty `Array` always has, so "" cannot trap.
    static func derivedKey(password: [UInt8], salt: [UInt8], cost: ScryptCost, length: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: password, salt: salt, outputByteCount: length,
            rounds: cost.rounds, blockSize: cost.r, parallelism: cost.p
        )
        return key.withUnsafeBytes { Array($0) }
    }

    /// Concurrent, so hashes use every core. A concurrent queue is non-overcommit: libdispatch
    /// keeps its worker threads near the core count (measured peak: 3 on 2 cores), so a login
    /// storm queues up here instead of spawning threads and 32 MiB working sets without bound.
    private static let queue = DispatchQueue(
        label: "GameMetricsAuth.PasswordHasher", qos: .userInitiated, attributes: .concurrent
    )
}
