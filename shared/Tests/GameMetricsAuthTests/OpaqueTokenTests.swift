import Testing
@testable import GameMetricsAuth

@Suite("Opaque tokens")
struct OpaqueTokenTests {
    static let base64URLAlphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    @Test("a default token is 43 base64url characters carrying 32 random bytes")
    func lengthAndAlphabet() {
        let token = OpaqueToken.generate()
        #expect(token.count == 43)
        #expect(token.allSatisfy(Self.base64URLAlphabet.contains))
        #expect(Base64URL.decode(token)?.count == 32)
        #expect(OpaqueToken.generate(bytes: 16).count == 22)
        #expect(OpaqueToken.generate(bytes: 12).count == 16)
    }

    @Test("a prefixed token starts with its prefix followed by the random part")
    func prefix() {
        let key = OpaqueToken.generate(prefix: OpaqueToken.writeKeyPrefix)
        #expect(key.hasPrefix("gmk_"))
        #expect(key.count == 4 + 43)
        #expect(key.dropFirst(4).allSatisfy(Self.base64URLAlphabet.contains))
        #expect(OpaqueToken.generate(prefix: OpaqueToken.refreshTokenPrefix).hasPrefix("gmr_"))
    }

    @Test("10,000 tokens are all distinct")
    func uniqueness() {
        let tokens = Set((0..<10_000).map { _ in OpaqueToken.generate() })
        #expect(tokens.count == 10_000)
    }

    @Test("the fingerprint is the stable lowercase hex SHA-256 of the whole token")
    func fingerprint() {
        #expect(OpaqueToken.fingerprint("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(OpaqueToken.fingerprint("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let token = OpaqueToken.generate(prefix: "gmk_")
        #expect(OpaqueToken.fingerprint(token) == OpaqueToken.fingerprint(token))
        #expect(OpaqueToken.fingerprint(token) != OpaqueToken.fingerprint(String(token.dropFirst(4))))
        #expect(OpaqueToken.fingerprint(token).count == 64)
    }
}
