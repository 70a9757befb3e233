import Crypto

/// A public JSON Web Key (RFC 7517) as published in the JWKS. Only the members this platform
/// uses are modelled; a private key member (`d`) can never be decoded into, or encoded from,
/// this type. Everything but `kty` is optional so that foreign keys (RSA, other curves) in a
/// fetched JWKS still decode and can be skipped rather than failing the whole set.
public struct JWK: Codable, Sendable, Hashable {
    public var kty: String
    public var crv: String?
    public var x: String?
    public var y: String?
    public var kid: String?
    public var use: String?
    public var alg: String?

    public init(
        kty: String, crv: String? = nil, x: String? = nil, y: String? = nil,
        kid: String? = nil, use: String? = nil, alg: String? = nil
    ) {
        self.kty = kty
        self.crv = crv
        self.x = x
        self.y = y
        self.kid = kid
        self.use = use
        self.alg = alg
    }

    /// The signature-verification JWK for a P-256 public key: kty EC, crv P-256, `x`/`y` as
    /// 32-byte big-endian base64url coordinates, use sig, alg ES256.
    public init(publicKey: P256.Signing.PublicKey, kid: String) {
        // rawRepresentation is X || Y, each coordinate 32 bytes.
        let raw = Array(publicKey.rawRepresentation)
        self.init(
            kty: "EC", crv: "P-256", x: Base64URL.encode(raw[0..<32]), y: Base64URL.encode(raw[32..<64]),
            kid: kid, use: "sig", alg: "ES256")
    }

    /// The P-256 verification key this JWK describes. Throws unless it is an EC P-256 key meant
    /// for signatures with ES256 (when `use`/`alg` are given) whose point lies on the curve.
    public func p256PublicKey() throws(JWKError) -> P256.Signing.PublicKey {
        guard kty == "EC" else { throw .unsupportedKeyType(kty) }
        guard crv == "P-256" else { throw .unsupportedCurve(crv) }
        guard use == nil || use == "sig" else { throw .notForSignatures }
        guard alg == nil || alg == "ES256" else { throw .unsupportedAlgorithm(alg ?? "") }
        guard let x, let y, let xBytes = Base64URL.decode(x), let yBytes = Base64URL.decode(y),
            xBytes.count == 32, yBytes.count == 32
        else { throw .invalidCoordinates }
        do {
            return try P256.Signing.PublicKey(rawRepresentation: xBytes + yBytes)
        } catch {
            throw .invalidCoordinates
        }
    }
}
