import Crypto
import Foundation

/// An ES256 (ECDSA P-256 with SHA-256) key pair that signs access tokens, named by `kid` so
/// verifiers can pick the right public key from the JWKS while several keys are in rotation.
///
/// ES256 rather than RS256: 64-byte signatures and 32-byte keys keep tokens small, and signing is
/// cheap. Rather than HS256: verifiers get only the public key, so a compromised ingestion node
/// cannot mint tokens.
public struct SigningKey: Sendable {
    /// Random, URL-safe key ID; it goes into every token header and the JWKS.
    public let kid: String
    public let createdAt: Date
    public let privateKey: P256.Signing.PrivateKey

    public var publicKey: P256.Signing.PublicKey { privateKey.publicKey }

    /// A fresh key from the system CSPRNG with a random 96-bit `kid`.
    public static func generate(createdAt: Date = Date()) -> SigningKey {
        SigningKey(kid: OpaqueToken.generate(bytes: 12), privateKey: P256.Signing.PrivateKey(), createdAt: createdAt)
    }

    public init(kid: String, privateKey: P256.Signing.PrivateKey, createdAt: Date = Date()) {
        self.kid = kid
        self.privateKey = privateKey
        self.createdAt = createdAt
    }

    /// Restores a key stored as PEM (PKCS#8 `PRIVATE KEY`, as `privateKeyPEM` writes, or SEC 1
    /// `EC PRIVATE KEY`). Throws if the PEM is not a P-256 private key.
    public init(kid: String, privateKeyPEM: String, createdAt: Date) throws {
        try self.init(kid: kid, privateKey: P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM), createdAt: createdAt)
    }

    /// Restores a key stored as its 32-byte raw scalar (`privateKeyRawRepresentation`).
    public init(kid: String, privateKeyRawRepresentation: some ContiguousBytes, createdAt: Date) throws {
        try self.init(kid: kid, privateKey: P256.Signing.PrivateKey(rawRepresentation: privateKeyRawRepresentation), createdAt: createdAt)
    }

    /// PKCS#8 PEM of the private key, for storage. Treat it as a secret.
    public var privateKeyPEM: String { privateKey.pemRepresentation }

    /// The 32-byte private scalar, for storage. Treat it as a secret.
    public var privateKeyRawRepresentation: Data { privateKey.rawRepresentation }

    /// The public half as the JWK published at `/.well-known/jwks.json`.
    public var publicJWK: JWK { JWK(publicKey: publicKey, kid: kid) }
}

/// Descriptions name the key but never print key material, so logging a key is harmless.
extension SigningKey: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "SigningKey(kid: \(kid), createdAt: \(createdAt))" }
    public var debugDescription: String { description }
}
