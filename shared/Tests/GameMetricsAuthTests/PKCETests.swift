import Testing
@testable import GameMetricsAuth

@Suite("PKCE")
struct PKCETests {
    static let rfcVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    // As printed in RFC 7636 Appendix B (and independently: base64url of SHA-256 of the verifier,
    // 13d31e96…cb70f9c3). "E9Melhoa2OwvFrj0BGzmQsH9yq7gJFQ1iR5KNCKh4uU", which circulates as
    // this vector, is not it.
    static let rfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    @Test("the S256 challenge matches RFC 7636 Appendix B")
    func rfcVector() {
        #expect(PKCE.challenge(for: Self.rfcVerifier) == Self.rfcChallenge)
        #expect(PKCE.verify(verifier: Self.rfcVerifier, challenge: Self.rfcChallenge, method: "S256"))
    }

    @Test("a different verifier does not satisfy the challenge")
    func wrongVerifier() {
        let other = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl"
        #expect(!PKCE.verify(verifier: other, challenge: Self.rfcChallenge, method: "S256"))
        #expect(!PKCE.verify(verifier: Self.rfcVerifier, challenge: Self.rfcChallenge + "A", method: "S256"))
        #expect(!PKCE.verify(verifier: Self.rfcVerifier, challenge: "", method: "S256"))
    }

    @Test("the plain method is refused even when the challenge equals the verifier", arguments: ["plain", "PLAIN", "s256", ""])
    func otherMethodsRefused(method: String) {
        #expect(!PKCE.verify(verifier: Self.rfcVerifier, challenge: Self.rfcVerifier, method: method))
        #expect(!PKCE.verify(verifier: Self.rfcVerifier, challenge: Self.rfcChallenge, method: method))
    }

    @Test("verifiers of 43 to 128 unreserved characters are valid")
    func validVerifiers() {
        #expect(PKCE.isValidVerifier(Self.rfcVerifier))
        #expect(PKCE.isValidVerifier(String(repeating: "a", count: 43)))
        #expect(PKCE.isValidVerifier(String(repeating: "Z9-._~", count: 21) + "ab"))  // 128
        #expect(PKCE.isValidVerifier(OpaqueToken.generate()))
    }

    @Test(
        "verifiers that are too short, too long or use reserved characters are invalid",
        arguments: [
            "",
            String(repeating: "a", count: 42),
            String(repeating: "a", count: 129),
            String(repeating: "a", count: 42) + "+",
            String(repeating: "a", count: 42) + "=",
            String(repeating: "a", count: 42) + "/",
            String(repeating: "a", count: 42) + " ",
            String(repeating: "a", count: 42) + "é",
            String(repeating: "a", count: 41) + "\u{0}\u{0}",
        ])
    func invalidVerifiers(verifier: String) {
        #expect(!PKCE.isValidVerifier(verifier))
        #expect(!PKCE.verify(verifier: verifier, challenge: PKCE.challenge(for: verifier), method: "S256"))
    }
}
