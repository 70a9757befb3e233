import Crypto
import Foundation

/// Produces ES256-signed JWTs (RFC 7519) in JWS compact serialisation.
public enum JWTSigner: Sendable {
    /// `base64url(header).base64url(claims).base64url(signature)` with header
    /// `{"alg":"ES256","typ":"JWT","kid":…}`. The signature is the 64-byte raw `r || s` form JOSE
    /// requires (RFC 7518 §3.4), not the DER encoding most ECDSA APIs default to.
    ///
    /// `Date` properties without their own encoding are written as seconds since 1970;
    /// `AccessTokenClaims` writes whole seconds itself.
    public static func sign(_ claims: some Encodable, with key: SigningKey) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return try compact(
            headerJSON: encoder.encode(JOSEHeader.es256(kid: key.kid)),
            payloadJSON: encoder.encode(claims), key: key)
    }

    /// Signs already-serialised header and payload JSON (tests use it to build hostile tokens).
    static func compact(headerJSON: some Sequence<UInt8>, payloadJSON: some Sequence<UInt8>, key: SigningKey) throws -> String {
        let signingInput = Base64URL.encode(headerJSON) + "." + Base64URL.encode(payloadJSON)
        let signature = try key.privateKey.signature(for: Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }
}
