import Crypto
import Foundation

/// Verifies ES256 JWTs issued by the user service: structure, algorithm, key, signature, then
/// `exp`, `nbf`, `iss` and `aud`. Only after the signature checks out is the payload parsed.
///
/// Build one from the JWKS and replace it when the JWKS is refetched: a token signed by a
/// rotated-out key verifies exactly as long as that key is still in the set.
public struct JWTVerifier: Sendable {
    /// Tokens longer than this (UTF-8 bytes) are rejected before any parsing. Our access tokens
    /// are well under 1 KiB; the bound keeps hostile headers from costing decode time.
    public static let maximumTokenBytes = 8 * 1024

    public let issuer: String
    public let audience: String
    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    public let leeway: TimeInterval
    private let keys: [String: P256.Signing.PublicKey]

    /// Key IDs this verifier accepts.
    public var keyIDs: Set<String> { Set(keys.keys) }

    /// Uses the JWKs that are ES256-capable P-256 keys with a `kid`; others (RSA, encryption keys,
    /// points off the curve) are skipped — check `keyIDs` if a key must be present. With
    /// duplicate `kid`s the first wins.
    public init(keys: [JWK], issuer: String, audience: String, leeway: TimeInterval = 30) {
        var usable: [String: P256.Signing.PublicKey] = [:]
        for jwk in keys {
            guard let kid = jwk.kid, usable[kid] == nil, let key = try? jwk.p256PublicKey() else { continue }
            usable[kid] = key
        }
        self.init(keys: usable, issuer: issuer, audience: audience, leeway: leeway)
    }

    public init(keys: [String: P256.Signing.PublicKey], issuer: String, audience: String, leeway: TimeInterval = 30) {
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
    }

    /// The token's claims decoded as `Claims`, or the first reason it is not acceptable at `now`.
    public func verify<Claims: Decodable>(_ token: String, as: Claims.Type = Claims.self, now: Date = Date()) throws(JWTError) -> Claims {
        guard token.utf8.count <= Self.maximumTokenBytes else { throw .malformed }
        let segments = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3, !segments[0].isEmpty, !segments[1].isEmpty,
            let headerJSON = Base64URL.decode(Substring(segments[0])),
            let payloadJSON = Base64URL.decode(Substring(segments[1]))
        else { throw .malformed }

        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let header = try? decoder.decode(JOSEHeader.self, from: Data(headerJSON)) else { throw .malformed }
        guard header.alg == JOSEHeader.algorithm else { throw .unsupportedAlgorithm }
        guard header.crit == nil else { throw .malformed }
        guard let kid = header.kid, let key = keys[kid] else { throw .unknownKey }

        // JOSE's ES256 signature is exactly 64 bytes (r || s); a DER signature is refused here.
        // (An empty signature segment, as "alg":"none" tokens carry, lands here too — but such
        // a token has already been refused for its algorithm.)
        guard let signatureBytes = Base64URL.decode(Substring(segments[2])), signatureBytes.count == 64,
            let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureBytes),
            key.isValidSignature(signature, for: Array(token.utf8.prefix(segments[0].count + 1 + segments[1].count)))
        else { throw .badSignature }

        let registered: RegisteredClaims
        do {
            registered = try decoder.decode(RegisteredClaims.self, from: Data(payloadJSON))
        } catch {
            throw .malformed
        }
        guard let exp = registered.exp else { throw .missingClaim("exp") }
        let time = now.timeIntervalSince1970
        // RFC 7519 §4.1.4: valid only while now is *before* exp.
        guard time < exp + leeway else { throw .expired }
        if let nbf = registered.nbf, time + leeway < nbf { throw .notYetValid }
        guard let iss = registered.iss else { throw .missingClaim("iss") }
        guard iss == issuer else { throw .wrongIssuer }
        guard let aud = registered.aud else { throw .missingClaim("aud") }
        guard aud.values.contains(audience) else { throw .wrongAudience }

        do {
            return try decoder.decode(Claims.self, from: Data(payloadJSON))
        } catch DecodingError.keyNotFound(let key, _) {
            throw .missingClaim(key.stringValue)
        } catch {
            throw .malformed
        }
    }
}
