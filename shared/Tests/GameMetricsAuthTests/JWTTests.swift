import Crypto
import Foundation
import Testing
@testable import GameMetricsAuth

@Suite("JWT signing and verification")
struct JWTTests {
    let key = SigningKey.generate()
    typealias F = TokenFixtures

    @Test("a signed access token verifies and decodes to the same claims")
    func roundTrip() throws {
        let claims = F.claims()
        let token = try JWTSigner.sign(claims, with: key)
        let verified = try F.verifier(key).verify(token, as: AccessTokenClaims.self, now: F.now)
        #expect(verified == claims)
    }

    @Test("the header is exactly alg ES256, typ JWT and the key's kid, and no segment is padded")
    func headerShape() throws {
        let token = try JWTSigner.sign(F.claims(), with: key)
        let header = try F.decodedJSON(segment: 0, of: token)
        #expect(header.count == 3)
        #expect(header["alg"] as? String == "ES256")
        #expect(header["typ"] as? String == "JWT")
        #expect(header["kid"] as? String == key.kid)
        #expect(!token.contains("="))
        #expect(token.split(separator: ".", omittingEmptySubsequences: false).count == 3)
    }

    @Test("the signature is the 64-byte raw r||s form, not DER")
    func rawSignature() throws {
        let token = try JWTSigner.sign(F.claims(), with: key)
        let signature = try #require(Base64URL.decode(token.split(separator: ".")[2]))
        #expect(signature.count == 64)
        // The same signature DER-encoded (what most ECDSA APIs emit) must not verify.
        let der = try P256.Signing.ECDSASignature(rawRepresentation: signature).derRepresentation
        #expect(der.count != 64)
        let derToken = F.replacing(segment: 2, of: token, with: Base64URL.encode(der))
        #expect(throws: JWTError.badSignature) { try F.verifier(key).verify(derToken, as: AccessTokenClaims.self, now: F.now) }
    }

    @Test("a tampered payload fails with badSignature")
    func tamperedPayload() throws {
        let token = try JWTSigner.sign(F.claims(tenantID: "tenant-a"), with: key)
        let forged = try JWTSigner.sign(F.claims(tenantID: "tenant-b"), with: SigningKey.generate())
        let spliced = F.replacing(segment: 1, of: token, with: String(forged.split(separator: ".")[1]))
        #expect(throws: JWTError.badSignature) { try F.verifier(key).verify(spliced, as: AccessTokenClaims.self, now: F.now) }
    }

    @Test("a flipped signature bit fails with badSignature")
    func tamperedSignature() throws {
        let token = try JWTSigner.sign(F.claims(), with: key)
        var signature = try #require(Base64URL.decode(token.split(separator: ".")[2]))
        signature[10] ^= 0x01
        let tampered = F.replacing(segment: 2, of: token, with: Base64URL.encode(signature))
        #expect(throws: JWTError.badSignature) { try F.verifier(key).verify(tampered, as: AccessTokenClaims.self, now: F.now) }
    }

    @Test("a header whose alg was changed is rejected as unsupportedAlgorithm", arguments: ["HS256", "RS256", "ES384", "es256", "EdDSA"])
    func tamperedHeaderAlgorithm(alg: String) throws {
        let token = try JWTSigner.sign(F.claims(), with: key)
        let header = Base64URL.encode(Array(F.header(kid: key.kid, alg: alg).utf8))
        let tampered = F.replacing(segment: 0, of: token, with: header)
        #expect(throws: JWTError.unsupportedAlgorithm) { try F.verifier(key).verify(tampered, as: AccessTokenClaims.self, now: F.now) }
    }

    @Test("an unsigned alg none token is refused, with or without a signature segment", arguments: ["none", "None", "NONE"])
    func algNoneRefused(alg: String) throws {
        let header = Base64URL.encode(Array(#"{"alg":"\#(alg)","typ":"JWT","kid":"\#(key.kid)"}"#.utf8))
        let payload = Base64URL.encode(Array(F.payload().utf8))
        let verifier = F.verifier(key)
        #expect(throws: JWTError.unsupportedAlgorithm) { try verifier.verify(header + "." + payload + ".", as: RegisteredOnly.self, now: F.now) }
        let signed = try JWTSigner.sign(F.claims(), with: key)
        let withSignature = header + "." + payload + "." + signed.split(separator: ".")[2]
        #expect(throws: JWTError.unsupportedAlgorithm) { try verifier.verify(withSignature, as: RegisteredOnly.self, now: F.now) }
    }

    @Test("a token whose kid the verifier does not know, or without a kid, is unknownKey")
    func unknownKey() throws {
        let stranger = SigningKey.generate()
        let token = try JWTSigner.sign(F.claims(), with: stranger)
        #expect(throws: JWTError.unknownKey) { try F.verifier(key).verify(token, as: AccessTokenClaims.self, now: F.now) }
        let noKid = try F.token(header: #"{"alg":"ES256","typ":"JWT"}"#, payload: F.payload(), key: key)
        #expect(throws: JWTError.unknownKey) { try F.verifier(key).verify(noKid, as: RegisteredOnly.self, now: F.now) }
    }

    @Test("a token signed by another key under a known kid is badSignature")
    func keyConfusion() throws {
        let impostor = SigningKey(kid: key.kid, privateKey: P256.Signing.PrivateKey(), createdAt: F.now)
        let token = try JWTSigner.sign(F.claims(), with: impostor)
        #expect(throws: JWTError.badSignature) { try F.verifier(key).verify(token, as: AccessTokenClaims.self, now: F.now) }
    }

    @Test("expiry allows the leeway and no more: valid until exp + 30 s, expired from then on")
    func expiryLeewayBoundary() throws {
        let token = try F.token(header: F.header(kid: key.kid), payload: F.payload(exp: 0), key: key)
        let verifier = F.verifier(key)
        let exp = F.now
        #expect(try verifier.verify(token, as: RegisteredOnly.self, now: exp.addingTimeInterval(-1)).iss == F.issuer)
        #expect(try verifier.verify(token, as: RegisteredOnly.self, now: exp.addingTimeInterval(29)).iss == F.issuer)
        #expect(try verifier.verify(token, as: RegisteredOnly.self, now: exp.addingTimeInterval(29.999)).iss == F.issuer)
        #expect(throws: JWTError.expired) { try verifier.verify(token, as: RegisteredOnly.self, now: exp.addingTimeInterval(30)) }
        #expect(throws: JWTError.expired) { try verifier.verify(token, as: RegisteredOnly.self, now: exp.addingTimeInterval(3600)) }
        #expect(throws: JWTError.expired) { try F.verifier(key, leeway: 0).verify(token, as: RegisteredOnly.self, now: exp) }
    }

    @Test("a token without exp is refused as missingClaim(exp)")
    func missingExpiry() throws {
        let token = try F.token(header: F.header(kid: key.kid), payload: F.payload(exp: nil), key: key)
        #expect(throws: JWTError.missingClaim("exp")) { try F.verifier(key).verify(token, as: RegisteredOnly.self, now: F.now) }
    }

    @Test("a token whose nbf is in the future beyond the leeway is notYetValid")
    func notYetValid() throws {
        let early = try F.token(header: F.header(kid: key.kid), payload: F.payload(nbf: 60), key: key)
        #expect(throws: JWTError.notYetValid) { try F.verifier(key).verify(early, as: RegisteredOnly.self, now: F.now) }
        let skewed = try F.token(header: F.header(kid: key.kid), payload: F.payload(nbf: 30), key: key)
        #expect(try F.verifier(key).verify(skewed, as: RegisteredOnly.self, now: F.now).iss == F.issuer)
    }

    @Test("a token from another issuer is wrongIssuer, one without iss is missingClaim(iss)")
    func wrongIssuer() throws {
        let other = try F.token(header: F.header(kid: key.kid), payload: F.payload(iss: "https://evil.test"), key: key)
        #expect(throws: JWTError.wrongIssuer) { try F.verifier(key).verify(other, as: RegisteredOnly.self, now: F.now) }
        let none = try F.token(header: F.header(kid: key.kid), payload: F.payload(iss: nil), key: key)
        #expect(throws: JWTError.missingClaim("iss")) { try F.verifier(key).verify(none, as: RegisteredOnly.self, now: F.now) }
    }

    @Test("aud must contain the verifier's audience, as a string or in an array")
    func audience() throws {
        let verifier = F.verifier(key)
        for accepted in [#""gamemetrics""#, #"["other","gamemetrics"]"#] {
            let token = try F.token(header: F.header(kid: key.kid), payload: F.payload(aud: accepted), key: key)
            #expect(try verifier.verify(token, as: RegisteredOnly.self, now: F.now).iss == F.issuer)
        }
        for refused in [#""other""#, #"["other","gamemetrics-admin"]"#, "[]"] {
            let token = try F.token(header: F.header(kid: key.kid), payload: F.payload(aud: refused), key: key)
            #expect(throws: JWTError.wrongAudience) { try verifier.verify(token, as: RegisteredOnly.self, now: F.now) }
        }
        let none = try F.token(header: F.header(kid: key.kid), payload: F.payload(aud: nil), key: key)
        #expect(throws: JWTError.missingClaim("aud")) { try verifier.verify(none, as: RegisteredOnly.self, now: F.now) }
    }

    @Test("a token over 8 KiB is refused as malformed even when validly signed")
    func oversizedToken() throws {
        var claims = F.claims()
        claims.scope = String(repeating: "events:read ", count: 700)
        let token = try JWTSigner.sign(claims, with: key)
        #expect(token.utf8.count > JWTVerifier.maximumTokenBytes)
        #expect(throws: JWTError.malformed) { try F.verifier(key).verify(token, as: AccessTokenClaims.self, now: F.now) }
    }

    @Test(
        "structurally broken tokens are malformed",
        arguments: [
            "", ".", "..", "abc", "a.b", "a.b.c.d", "eyJhbGciOiJFUzI1NiJ9..sig", ".eyJ9.sig",
            "eyJhbGciOiJFUzI1NiJ9=.e30.AAAA", "!!!.e30.AAAA", "bm90IGpzb24.e30.AAAA", "W10.e30.AAAA",
        ])
    func malformedTokens(token: String) {
        #expect(throws: JWTError.malformed) { try F.verifier(key).verify(token, as: RegisteredOnly.self, now: F.now) }
    }

    @Test("a header demanding critical extensions is refused")
    func criticalHeader() throws {
        let token = try F.token(
            header: #"{"alg":"ES256","kid":"\#(key.kid)","crit":["b64"],"b64":false}"#,
            payload: F.payload(), key: key)
        #expect(throws: JWTError.malformed) { try F.verifier(key).verify(token, as: RegisteredOnly.self, now: F.now) }
    }

    @Test("a signed payload that is not a JSON object, or has mistyped claims, is malformed")
    func badPayload() throws {
        for payload in ["[]", "42", #"{"exp":"tomorrow","iss":"x","aud":"gamemetrics"}"#, #"{"exp":1,"aud":7}"#] {
            let token = try F.token(header: F.header(kid: key.kid), payload: payload, key: key)
            #expect(throws: JWTError.malformed) { try F.verifier(key).verify(token, as: RegisteredOnly.self, now: F.now) }
        }
    }

    @Test("a valid token lacking a claim the caller's type requires reports that claim")
    func missingPlatformClaim() throws {
        let token = try F.token(header: F.header(kid: key.kid), payload: F.payload(), key: key)
        #expect(throws: JWTError.missingClaim("sub")) { try F.verifier(key).verify(token, as: AccessTokenClaims.self, now: F.now) }
    }

    @Test("a token signed by a rotated-out key verifies only while its key is in the verifier's set")
    func rotation() throws {
        let old = SigningKey.generate(createdAt: F.now.addingTimeInterval(-86_400))
        let new = SigningKey.generate(createdAt: F.now)
        let oldToken = try JWTSigner.sign(F.claims(), with: old)
        let newToken = try JWTSigner.sign(F.claims(), with: new)

        let duringRotation = F.verifier(new, old)
        #expect(try duringRotation.verify(oldToken, as: AccessTokenClaims.self, now: F.now).tenantID == "tenant-a")
        #expect(try duringRotation.verify(newToken, as: AccessTokenClaims.self, now: F.now).tenantID == "tenant-a")

        let afterRetirement = F.verifier(new)
        #expect(throws: JWTError.unknownKey) { try afterRetirement.verify(oldToken, as: AccessTokenClaims.self, now: F.now) }
        #expect(try afterRetirement.verify(newToken, as: AccessTokenClaims.self, now: F.now).tenantID == "tenant-a")
    }

    @Test("a verifier built from a kid-to-public-key map verifies like one built from JWKs")
    func verifierFromKeyMap() throws {
        let verifier = JWTVerifier(keys: [key.kid: key.publicKey], issuer: F.issuer, audience: F.audience)
        let token = try JWTSigner.sign(F.claims(), with: key)
        #expect(try verifier.verify(token, as: AccessTokenClaims.self, now: F.now) == F.claims())
        #expect(verifier.keyIDs == [key.kid])
    }
}
