import Foundation
import GameMetricsKit
import GameMetricsPostgres
import Logging
import PostgresNIO

/// The core of an `audit-verify` command: verifies `chain` in the database `GM_PG_URL` names with
/// the chain's keys, against its head anchor and daily digests in S3
/// (``AuditVerifier/verify(anchoredIn:)``). Prints `<title> intact: …` and returns 0 when the
/// chain is intact, holds the anchored head and every digest verifies (an empty chain without an
/// anchor too); prints each problem as `<title> <problem>` on stderr and returns 1 when a row does
/// not verify, the anchored row is missing or changed, the chain ends before the anchor
/// (truncation), the anchor is not authentic, a non-empty chain has no anchor, or a digest is
/// missing, altered, out of the chain or pins a changed row; returns 2 when the check could not
/// run (configuration, database or S3 error).
public enum AuditChainVerifyCommand {
    /// `keys` and `anchors` read the chain's key variables and anchor variables (by default the
    /// user service's); `title` starts every line (`audit log`).
    public static func run(
        chain: AuditChain, environment: EnvironmentReader, title: String = "audit log", logLabel: String,
        keys readKeys: (EnvironmentReader) throws -> AuditKeyring = { try AuditKeyring(environment: $0) },
        anchors readAnchors: (EnvironmentReader, AuditChain) throws -> AuditAnchorStore = { try AuditAnchorStore(environment: $0, chain: $1) }
    ) async -> Int32 {
        var logger = Logger(label: logLabel)
        logger.logLevel = .warning
        let configuration: PostgresClient.Configuration
        let keys: AuditKeyring
        let store: AuditAnchorStore
        do {
            configuration = try PostgresClient.Configuration(environment: environment)
            keys = try readKeys(environment)
            store = try readAnchors(environment, chain)
        } catch {
            standardError("audit-verify: \(error)")
            return 2
        }
        let verification: AuditVerification
        do {
            verification = try await PostgresClient.withShortLivedClient(configuration, logger: logger) {
                try await AuditVerifier(chain: chain, client: $0, keys: keys, logger: logger).verify(anchoredIn: store)
            }
        } catch {
            standardError("audit-verify: could not read the \(title) or its anchor at \(store.location): \(String(reflecting: error))")
            return 2
        }
        guard verification.isIntact else {
            for problem in verification.problems { standardError("\(title) \(problem)") }
            return 1
        }
        switch (verification.rows, verification.anchor) {
        case (.intact(let rows, let lastSeq, let lastHash), let anchor?):
            print(
                "\(title) intact: \(rows) rows, head seq \(lastSeq) \(lastHash); "
                    + "anchored seq \(anchor.seq) at \(anchor.anchoredAt) verified; \(verification.digestsVerified) daily digests verified")
        default:
            print("\(title) intact: empty, nothing anchored yet")
        }
        return 0
    }

    private static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
