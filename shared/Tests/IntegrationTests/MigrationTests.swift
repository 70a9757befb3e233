import GameMetricsPostgres
import GameMetricsService
import Testing

/// The parts of migrations that need no database.
@Suite("Migration")
struct MigrationTests {
    @Test("the identity is Flyway-style with a zero-padded version")
    func identity() {
        #expect(Migration(version: 1, name: "create_tenants", statements: ["SELECT 1"]).identity == "V001__create_tenants")
        #expect(Migration(version: 42, name: "x", statements: ["SELECT 1"]).identity == "V042__x")
        #expect(Migration(version: 1234, name: "x", statements: ["SELECT 1"]).identity == "V1234__x")
    }

    @Test("the checksum is the SHA-256 of the statements")
    func checksumVectors() {
        // FIPS 180-2 test vectors (one block, two blocks) and the empty message.
        #expect(Migration.checksum(of: ["abc"]) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Migration.checksum(of: ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"])
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Migration.checksum(of: [""]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("statement boundaries are part of the checksum")
    func checksumSeparatesStatements() {
        #expect(Migration.checksum(of: ["ab", "c"]) != Migration.checksum(of: ["a", "bc"]))
        #expect(Migration.checksum(of: ["a", "b"]) != Migration.checksum(of: ["b", "a"]))
        #expect(Migration.checksum(of: ["SELECT 1"]) != Migration.checksum(of: ["SELECT 1 "]))
    }

    @Test("versions out of order are refused")
    func outOfOrder() {
        let list = [3, 1].map { Migration(version: $0, name: "m\($0)", statements: ["SELECT 1"]) }
        #expect(throws: MigrationError.versionsNotIncreasing(previous: 3, version: 1)) { try MigrationRunner.validate(list) }
    }

    @Test("duplicate versions are refused")
    func duplicates() {
        let list = [1, 2, 2].map { Migration(version: $0, name: "m\($0)", statements: ["SELECT 1"]) }
        #expect(throws: MigrationError.duplicateVersion(version: 2, names: ["m2", "m2"])) { try MigrationRunner.validate(list) }
    }

    @Test("zero, negative and too large versions, empty names and empty statements are refused")
    func invalidMigrations() {
        #expect(throws: MigrationError.invalidVersion(version: 0)) {
            try MigrationRunner.validate([Migration(version: 0, name: "x", statements: ["SELECT 1"])])
        }
        #expect(throws: MigrationError.invalidVersion(version: Int(Int32.max) + 1)) {
            try MigrationRunner.validate([Migration(version: Int(Int32.max) + 1, name: "x", statements: ["SELECT 1"])])
        }
        #expect(throws: MigrationError.invalidMigration(version: 1, problem: "the name is empty")) {
            try MigrationRunner.validate([Migration(version: 1, name: " ", statements: ["SELECT 1"])])
        }
        #expect(throws: MigrationError.invalidMigration(version: 1, problem: "it has no statements")) {
            try MigrationRunner.validate([Migration(version: 1, name: "x", statements: [])])
        }
        #expect(throws: MigrationError.invalidMigration(version: 1, problem: "statement 1 is empty")) {
            try MigrationRunner.validate([Migration(version: 1, name: "x", statements: ["SELECT 1", "  "])])
        }
    }

    @Test("a valid list passes validation")
    func validList() throws {
        try MigrationRunner.validate([1, 2, 10].map { Migration(version: $0, name: "m\($0)", statements: ["SELECT 1"]) })
    }

    @Test("every error names the version it is about")
    func errorDescriptions() {
        let errors: [MigrationError] = [
            .duplicateVersion(version: 7, names: ["a", "b"]),
            .versionsNotIncreasing(previous: 8, version: 7),
            .checksumMismatch(version: 7, name: "a", recorded: "r", expected: "e"),
            .unknownAppliedVersion(version: 7, name: "a"),
            .statementFailed(version: 7, name: "a", statementIndex: 1, message: "boom"),
            .commitFailed(version: 7, name: "a", message: "boom"),
        ]
        for error in errors {
            #expect(error.description.contains("version 7"), "\(error)")
        }
    }
}
