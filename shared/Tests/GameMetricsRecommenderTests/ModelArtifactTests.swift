import Testing

@testable import GameMetricsRecommender

@Suite("A model artifact decodes to the model it encoded and rejects cut or altered bytes")
struct ModelArtifactTests {
    static func artifact(playerIds: Bool) -> ModelArtifact {
        let model = FactorModel(
            factors: 3, players: 2, games: 4, playerFactors: [1, -2, 3.5, 0, .leastNonzeroMagnitude, -0],
            gameFactors: (0..<12).map { Float($0) * 0.25 - 1 })
        return ModelArtifact(
            model: model, parameters: ALSParameters(factors: 3, regularization: 4, iterations: 7, seed: 9),
            gameIds: ["slots-a", "poker", "roulette", "blackjack-é"], playerIds: playerIds ? ["p1", "p2"] : nil,
            createdAt: "2026-12-07T23:00:00Z")
    }

    @Test("round trip, with and without player ids", arguments: [true, false])
    func roundTrip(playerIds: Bool) throws {
        let artifact = Self.artifact(playerIds: playerIds)
        let bytes = artifact.encode()
        #expect(Array(bytes.prefix(8)) == Array("GMRALS\r\n".utf8))
        #expect(try ModelArtifact(decoding: bytes) == artifact)
    }

    @Test("the factors are little-endian Float32 after the header")
    func layout() {
        let bytes = Self.artifact(playerIds: false).encode()
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        #expect(bytes.count == 12 + headerLength + 4 * (12 + 6) + 4)
        // The first game factor is −1.0: 0xBF800000.
        #expect(Array(bytes[(12 + headerLength)..<(16 + headerLength)]) == [0x00, 0x00, 0x80, 0xBF])
    }

    @Test("a cut artifact is rejected as too short, for every cut")
    func truncated() {
        let bytes = Self.artifact(playerIds: true).encode()
        for length in [0, 5, 8, 12, 20, bytes.count / 2, bytes.count - 4, bytes.count - 1] {
            #expect(throws: ModelArtifactError.self, "cut to \(length)") { try ModelArtifact(decoding: Array(bytes.prefix(length))) }
        }
        #expect(throws: ModelArtifactError.wrongLength(expected: bytes.count, actual: bytes.count - 1)) {
            try ModelArtifact(decoding: Array(bytes.dropLast()))
        }
        #expect(throws: ModelArtifactError.wrongLength(expected: bytes.count, actual: bytes.count + 1)) {
            try ModelArtifact(decoding: bytes + [0])
        }
    }

    @Test("one flipped bit anywhere after the magic fails the checksum or the length check")
    func corrupted() {
        let bytes = Self.artifact(playerIds: true).encode()
        for offset in 8..<bytes.count {
            var altered = bytes
            altered[offset] ^= 0x10
            #expect(throws: ModelArtifactError.self, "bit flipped at \(offset)") { try ModelArtifact(decoding: altered) }
        }
        var inFactors = bytes
        inFactors[bytes.count - 10] ^= 0x01
        #expect {
            try ModelArtifact(decoding: inFactors)
        } throws: { error in
            guard case .checksumMismatch = error as? ModelArtifactError else { return false }
            return true
        }
    }

    @Test("other bytes are not an artifact")
    func notAnArtifact() {
        #expect(throws: ModelArtifactError.notAnArtifact) { try ModelArtifact(decoding: Array("{\"factors\":3}".utf8)) }
        #expect(throws: ModelArtifactError.notAnArtifact) { try ModelArtifact(decoding: []) }
    }

    @Test("CRC-32 is the standard one (the check value of \"123456789\")")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
