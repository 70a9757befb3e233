import Crypto
import Foundation
import Testing
@testable import GameMetricsAuth

@Suite("JWKS and signing keys")
struct JWKSTests {
    typealias F = TokenFixtures

    @Test("the JWKS serialises as {\"keys\":[…]} with kty, crv, x, y, kid, use and alg and no private member")
    func jsonShape() throws {
        let key = SigningKey.generate()
        let data = try JSONEncoder().encode(JWKSet(keys: [key.publicJWK]))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Array(object.keys) == ["keys"])
        let keys = try #require(object["keys"] as? [[String: Any]])
        #expect(keys.count == 1)
        let jwk = try #require(keys.first)
        #expect(Set(jwk.keys) == ["kty", "crv", "x", "y", "kid", "use", "alg"])
        #expect(jwk["kty"] as? String == "EC")
        #expect(jwk["crv"] as? String == "P-256")
        #expect(jwk["use"] as? String == "sig")
        #expect(jwk["alg"] as? String == "ES256")
        #expect(jwk["kid"] as? String == key.kid)
        let xString = try #require(jwk["x"] as? String)
        let yString = try #require(jwk["y"] as? String)
        let x = try #require(Base64URL.decode(xString))
        let y = try #require(Base64URL.decode(yString))
        #expect(x.count == 32 && y.count == 32)
        // The coordinates are the public point: 0x04 || X || Y in X9.63 form.
        #expect(Array(key.publicKey.x963Representation) == [0x04] + x + y)
    }

    @Test("a JWKS fetched as JSON yields keys that verify tokens signed by the private keys")
    func jwkVerifiesToken() throws {
        let current = SigningKey.generate()
        let previous = SigningKey.generate()
        let served = try JSONEncoder().encode(JWKSet(keys: [current.publicJWK, previous.publicJWK]))
        let fetched = try JSONDecoder().decode(JWKSet.self, from: served)

        let jwk = try #require(fetched.key(withID: current.kid))
        let publicKey = try jwk.p256PublicKey()
        #expect(publicKey.rawRepresentation == current.publicKey.rawRepresentation)

        let verifier = JWTVerifier(keys: fetched.keys, issuer: F.issuer, audience: F.audience)
        #expect(verifier.keyIDs == [current.kid, previous.kid])
        for key in [current, previous] {
            let token = try JWTSigner.sign(F.claims(), with: key)
            #expect(try verifier.verify(token, as: AccessTokenClaims.self, now: F.now) == F.claims())
        }
    }

    @Test("decoding a JWKS skips keys it cannot use instead of failing the whole set")
    func foreignKeysSkipped() throws {
        let ours = SigningKey.generate().publicJWK
        let ourJSON = String(decoding: try JSONEncoder().encode(ours), as: UTF8.self)
        let json = #"""
            {"keys":[
              {"kty":"RSA","kid":"rsa-1","use":"sig","alg":"RS256","n":"0vx7","e":"AQAB"},
              {"kid":"no-kty"},
              "not an object",
              \#(ourJSON)
            ]}
            """#
        let set = try JSONDecoder().decode(JWKSet.self, from: Data(json.utf8))
        #expect(set.keys.map(\.kid) == ["rsa-1", ours.kid])
        let verifier = JWTVerifier(keys: set.keys, issuer: F.issuer, audience: F.audience)
        let ourKid = try #require(ours.kid)
        #expect(verifier.keyIDs == [ourKid])
    }

    @Test("a document without a keys member is not a JWKS")
    func keysRequired() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(JWKSet.self, from: Data(#"{"kys":[]}"#.utf8)) }
    }

    @Test("JWKs that are not ES256 P-256 signature keys are refused with the reason")
    func jwkConversionRefusals() throws {
        let good = SigningKey.generate().publicJWK
        var rsa = good; rsa.kty = "RSA"
        var p384 = good; p384.crv = "P-384"
        var encryption = good; encryption.use = "enc"
        var es384 = good; es384.alg = "ES384"
        var shortX = good; shortX.x = Base64URL.encode([UInt8](repeating: 1, count: 31))
        var offCurve = good; offCurve.y = Base64URL.encode([UInt8](repeating: 1, count: 32))
        var missingY = good; missingY.y = nil

        #expect(throws: JWKError.unsupportedKeyType("RSA")) { try rsa.p256PublicKey() }
        #expect(throws: JWKError.unsupportedCurve("P-384")) { try p384.p256PublicKey() }
        #expect(throws: JWKError.notForSignatures) { try encryption.p256PublicKey() }
        #expect(throws: JWKError.unsupportedAlgorithm("ES384")) { try es384.p256PublicKey() }
        #expect(throws: JWKError.invalidCoordinates) { try shortX.p256PublicKey() }
        #expect(throws: JWKError.invalidCoordinates) { try offCurve.p256PublicKey() }
        #expect(throws: JWKError.invalidCoordinates) { try missingY.p256PublicKey() }

        var bare = good; bare.use = nil; bare.alg = nil
        #expect(try bare.p256PublicKey().rawRepresentation == good.p256PublicKey().rawRepresentation)
    }

    @Test("a signing key survives a PEM round trip and still signs for its published JWK")
    func pemRoundTrip() throws {
        let key = SigningKey.generate()
        #expect(key.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let restored = try SigningKey(kid: key.kid, privateKeyPEM: key.privateKeyPEM, createdAt: key.createdAt)
        #expect(restored.publicJWK == key.publicJWK)
        let token = try JWTSigner.sign(F.claims(), with: restored)
        #expect(try F.verifier(key).verify(token, as: AccessTokenClaims.self, now: F.now) == F.claims())
    }

    @Test("a signing key survives a raw-bytes round trip")
    func rawRoundTrip() throws {
        let key = SigningKey.generate()
        #expect(key.privateKeyRawRepresentation.count == 32)
        let restored = try SigningKey(kid: key.kid, privateKeyRawRepresentation: key.privateKeyRawRepresentation, createdAt: key.createdAt)
        #expect(restored.publicJWK == key.publicJWK)
    }

    @Test("garbage PEM does not make a signing key")
    func badPEM() {
        #expect(throws: (any Error).self) {
            try SigningKey(kid: "k", privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", createdAt: Date())
        }
    }

    @Test("generated kids are URL-safe and distinct, and describing a key never prints its secret")
    func kidAndDescription() {
        let keys = (0..<50).map { _ in SigningKey.generate() }
        #expect(Set(keys.map(\.kid)).count == keys.count)
        let urlSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for key in keys {
            #expect(key.kid.count == 16)
            #expect(key.kid.allSatisfy(urlSafe.contains))
        }
        let key = keys[0]
        for text in [String(describing: key), String(reflecting: key), "\(key)"] {
            #expect(text.contains(key.kid))
            #expect(!text.contains("PRIVATE"))
            #expect(!text.contains(Base64URL.encode(key.privateKeyRawRepresentation)))
        }
    }
}
