import Foundation
import Testing
@testable import GameMetricsAuth

@Suite("PasswordHasher")
struct PasswordHasherTests {
    let hasher = PasswordHasher(cost: .testing)

    @Test("a hashed password verifies")
    func roundTrip() async throws {
        let encoded = try await hasher.hash("correct horse battery staple")
        #expect(await hasher.verify("correct horse battery staple", against: encoded))
    }

    @Test("a wrong password does not verify")
    func wrongPassword() async throws {
        let encoded = try await hasher.hash("correct horse battery staple")
        #expect(await !hasher.verify("correct horse battery stapler", against: encoded))
        #expect(await !hasher.verify("", against: encoded))
    }

    @Test("two hashes of one password differ because each gets its own salt")
    func saltedHashesDiffer() async throws {
        let first = try await hasher.hash("hunter2")
        let second = try await hasher.hash("hunter2")
        #expect(first != second)
        #expect(await hasher.verify("hunter2", against: first))
        #expect(await hasher.verify("hunter2", against: second))
    }

    @Test("the encoding is a PHC string carrying cost, a 16-byte salt and a 32-byte key")
    func phcFormat() async throws {
        let encoded = try await hasher.hash("pw")
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        try #require(fields.count == 5)
        #expect(fields[0] == "")
        #expect(fields[1] == "scrypt")
        #expect(fields[2] == "ln=8,r=8,p=1")
        #expect(Base64URL.Alphabet.standard.decode(fields[3])?.count == 16)
        #expect(Base64URL.Alphabet.standard.decode(fields[4])?.count == 32)
    }

    @Test("an empty password hashes and verifies without trapping")
    func emptyPassword() async throws {
        let encoded = try await hasher.hash("")
        #expect(await hasher.verify("", against: encoded))
        #expect(await !hasher.verify("x", against: encoded))
    }

    @Test("passwords are compared after NFC normalisation, so composed and decomposed accents match")
    func unicodeNormalisation() async throws {
        let encoded = try await hasher.hash("caf\u{E9}")
        #expect(await hasher.verify("cafe\u{301}", against: encoded))
    }

    @Test("an overlong password is refused by hash and fails verify")
    func overlongPassword() async throws {
        let long = String(repeating: "a", count: PasswordHasher.maximumPasswordBytes + 1)
        await #expect(throws: PasswordHasher.Error.passwordTooLong) { try await hasher.hash(long) }
        let encoded = try await hasher.hash("short")
        #expect(await !hasher.verify(long, against: encoded))
    }

    @Test("verify uses the cost stored in the string, not the hasher's configured cost")
    func verifyUsesStoredCost() async throws {
        let stronger = PasswordHasher(cost: try #require(ScryptCost(logN: 10, r: 8, p: 2)))
        let encoded = try await stronger.hash("rotate me")
        #expect(encoded.contains("$ln=10,r=8,p=2$"))
        #expect(await hasher.verify("rotate me", against: encoded))
    }

    @Test(
        "malformed, foreign and out-of-bounds encodings verify false",
        arguments: [
            "",
            "scrypt",
            "$scrypt$",
            "$scrypt$ln=8,r=8,p=1$",
            "$scrypt$ln=8,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA",
            "$scrypt$ln=8,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$",
            "$scrypt$ln=8,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=8,r=8,p=1$!!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=8,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAA",
            "$scrypt$ln=8,r=8,p=1$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=999999999999,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=0,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=08,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=-8,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=8,r=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=8,r=8,p=0$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$r=8,ln=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=8,r=8$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=8,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$extra",
            "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "$scrypt$ln=٨,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ])
    func malformedEncodings(encoded: String) async {
        #expect(await !hasher.verify("password", against: encoded))
        #expect(hasher.needsRehash(encoded))
    }

    @Test("a hash made with a lower cost than configured needs rehashing, an equal one does not")
    func needsRehash() async throws {
        let cheap = try await hasher.hash("pw")
        #expect(!hasher.needsRehash(cheap))
        #expect(PasswordHasher(cost: .interactive).needsRehash(cheap))
        #expect(PasswordHasher(cost: try #require(ScryptCost(logN: 8, r: 8, p: 2))).needsRehash(cheap))
        let stronger = try await PasswordHasher(cost: try #require(ScryptCost(logN: 9, r: 8, p: 1))).hash("pw")
        #expect(!hasher.needsRehash(stronger))
    }

    @Test("the KDF matches the RFC 7914 test vector (N=1024, r=8, p=16)")
    func rfc7914Vector() throws {
        let cost = try #require(ScryptCost(logN: 10, r: 8, p: 16))
        let key = try PasswordHasher.derivedKey(password: Array("password".utf8), salt: Array("NaCl".utf8), cost: cost, length: 64)
        let hex = key.map { String(format: "%02x", $0) }.joined()
        #expect(
            hex == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    @Test("costs outside scrypt's limits or the memory bound are not constructible")
    func costBounds() {
        #expect(ScryptCost(logN: 15, r: 8, p: 1) == .interactive)
        #expect(ScryptCost(logN: 0, r: 8, p: 1) == nil)
        #expect(ScryptCost(logN: 21, r: 8, p: 1) == nil)
        #expect(ScryptCost(logN: 20, r: 8, p: 1) == nil)  // 1 GiB
        #expect(ScryptCost(logN: 17, r: 8, p: 1) != nil)  // 128 MiB
        #expect(ScryptCost(logN: 18, r: 8, p: 1) == nil)  // 256 MiB plus scratch blocks: over the bound
        #expect(ScryptCost(logN: 16, r: 1, p: 1) == nil)  // RFC 7914: N < 2^(16r)
        #expect(ScryptCost(logN: 15, r: 17, p: 1) == nil)
        #expect(ScryptCost(logN: 15, r: 8, p: 17) == nil)
    }

    @Test("every constructible cost is one the KDF accepts, including the edges of r and p")
    func boundsMatchTheKDF() throws {
        // swift-crypto sizes BoringSSL's memory limit as 128·N·r·p plus one page, which is tight
        // when p = 1; the r ≤ 16 bound keeps every cost inside it.
        for logN in 1...4 {
            for r in [1, 2, 8, 16] {
                for p in [1, 2, 16] {
                    let cost = try #require(ScryptCost(logN: logN, r: r, p: p))
                    let key = try PasswordHasher.derivedKey(password: Array("pw".utf8), salt: Array("salt".utf8), cost: cost, length: 32)
                    #expect(key.count == 32)
                }
            }
        }
    }

    @Test("concurrent hashes all complete and verify")
    func concurrentHashing() async throws {
        let hasher = self.hasher
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let encoded = try await hasher.hash("password-\(index)")
                    return await hasher.verify("password-\(index)", against: encoded)
                }
            }
            for try await verified in group { #expect(verified) }
        }
    }
}
