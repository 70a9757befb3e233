import EventParserOracle
import Foundation
import GameMetricsKit
import Testing

/// The libFuzzer corpus (fuzz/event-parser/corpus) and the hand-written seeds beside it,
/// replayed through the validator, Foundation and PostgreSQL with the fuzzer's own oracle and
/// settings: every file keeps the ruling it had when the fuzzer found it (agreement or a
/// documented difference), and whole-event validation of the same bytes stays consistent.
@Suite("The event-parser fuzzer's corpus replays without disagreement")
struct FuzzCorpusReplayTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/event-parser")

    /// The files of `corpus/` (libFuzzer's, minimized) and `seeds/` (hand-written, one per edge).
    static func files(_ folder: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(
            at: fuzzDirectory.appendingPathComponent(folder), includingPropertiesForKeys: nil
        ).sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("every corpus and seed file: validator, Foundation and PostgreSQL jsonb agree or differ as documented")
    func replay() async throws {
        let corpus = try Self.files("corpus"), seeds = try Self.files("seeds")
        #expect(corpus.count >= 100, "fuzz/event-parser/corpus holds \(corpus.count) files")
        #expect(seeds.count >= 30, "fuzz/event-parser/seeds holds \(seeds.count) files")
        let files = corpus + seeds
        let inputs = try files.map { try Array(Data(contentsOf: $0)) }
        let tally = try await PostgresJSONBReader.with { reader in
            var tally = DifferentialTally()
            for input in inputs {
                var observation = PropertiesObservation(input: input, validator: FuzzTarget.validator)
                observation.postgres = try await reader.verdict(input: input, compact: observation.compact)
                tally.record(observation, observation.judgement(maxPropertiesBytes: FuzzTarget.maxPropertiesBytes))
            }
            return tally
        }
        print("fuzz corpus and seeds: \(tally.inputs) files, validator accepted \(tally.accepted), PostgreSQL accepted \(tally.postgresAccepted); SQLSTATEs \(tally.sqlStates); explained \(tally.explained)")
        #expect(tally.disagreements == [])
        #expect(tally.accepted > 0 && tally.postgresAccepted > tally.accepted)
        for (file, input) in zip(files, inputs) {
            if let problem = FuzzTarget.wholeEventProblem(input) {
                Issue.record("\(file.lastPathComponent): \(problem)")
            }
        }
    }

    /// The validator's verdict for each seed (with the fuzzer's 1024-byte limit): "accepted" or the reason.
    static let seedVerdicts: [String: String] = [
        "number-exponent-huge": "out_of_range", "number-exponent-at-weight-limit": "accepted",
        "number-exponent-beyond-weight-limit": "out_of_range", "number-exponent-tiny": "out_of_range",
        "number-scale-at-limit": "accepted", "number-scale-beyond-limit": "out_of_range",
        "number-zero-scale-beyond-limit": "out_of_range", "number-zero-exponent-int-max-half": "accepted",
        "number-zero-exponent-beyond-int-max-half": "out_of_range",
        "number-exponent-leading-zeros": "accepted", "number-negative-zero": "accepted",
        "number-fraction-with-exponent": "accepted", "number-many-digits": "too_large", "number-beyond-double": "accepted",
        "string-every-escape": "accepted", "string-surrogate-pair": "accepted", "string-lone-high-surrogate": "invalid_json",
        "string-lone-low-surrogate": "invalid_json", "string-reversed-surrogates": "invalid_json",
        "string-nul-escape-in-value": "invalid_character", "string-nul-escape-in-key": "invalid_character",
        "string-raw-nul-byte": "invalid_json", "string-raw-control-character": "invalid_json",
        "string-noncharacters-raw": "accepted", "string-malformed-utf8": "invalid_json", "string-long": "too_large",
        "keys-duplicate": "accepted", "keys-canonically-equivalent": "accepted", "nesting-63": "accepted",
        "nesting-64": "invalid_json", "trailing-comma": "invalid_json", "byte-order-mark": "invalid_json",
        "utf16le-guess": "invalid_json", "whitespace-everywhere": "accepted", "not-an-object": "invalid_type",
    ]

    @Test("each seed gets the verdict its name promises")
    func seedVerdicts() throws {
        let seeds = try Self.files("seeds")
        #expect(Set(seeds.map(\.lastPathComponent)) == Set(Self.seedVerdicts.keys))
        for seed in seeds {
            let verdict =
                switch FuzzTarget.validator.validateProperties(try Array(Data(contentsOf: seed))) {
                case .success: "accepted"
                case .failure(let rejection): rejection.reason.rawValue
                }
            #expect(verdict == Self.seedVerdicts[seed.lastPathComponent], "\(seed.lastPathComponent)")
        }
    }
}
