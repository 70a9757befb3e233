import Testing
@testable import GameMetricsAuth

@Suite("Base64URL")
struct Base64URLTests {
    @Test(
        "encoding matches the RFC 4648 test vectors without padding",
        arguments: [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ])
    func rfcVectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test("the URL-safe alphabet uses - and _ where standard base64 uses + and /")
    func urlAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.Alphabet.standard.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test(
        "decoding refuses padding, foreign characters, impossible lengths and non-canonical trailing bits",
        arguments: ["Zg==", "Zm9v=", "+/+/", "Zm 9v", "Z", "Zm9vY", "Zh", "Zm9"])
    func strictDecoding(input: String) {
        #expect(Base64URL.decode(input) == nil)
    }

    @Test("every byte string survives an encode/decode round trip")
    func roundTrip() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }
}
